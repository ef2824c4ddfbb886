import type { DomainEvent } from '../../domain/events/catalogue.ts';
import { uuidV5 } from '../../domain/ids.ts';
import type { BatchRows } from '../batch-rows.ts';
import { fromUnixSeconds } from '../time.ts';
import type { InvoiceRow } from './row.ts';

const INVOICE_ROW_NAMESPACE = 'c9d6a1f2-4b7e-5a3c-8e21-7d0f3b6a9e54';

export const INVOICE_EVENT_TYPES = [
  'InvoicePaid',
  'InvoicePaymentSucceeded',
  'InvoicePaymentFailed',
  'InvoicePaymentActionRequired',
  'InvoiceFinalized',
  'InvoiceVoided',
  'InvoiceMarkedUncollectible',
] as const;

/** The status an event reports when its snapshot names none. */
const STATUS_OF_EVENT: Record<InvoiceEvent['type'], string> = {
  InvoicePaid: 'paid',
  InvoicePaymentSucceeded: 'paid',
  InvoicePaymentFailed: 'open',
  InvoicePaymentActionRequired: 'open',
  InvoiceFinalized: 'open',
  InvoiceVoided: 'void',
  InvoiceMarkedUncollectible: 'uncollectible',
};

export type InvoiceEvent = Extract<DomainEvent, { type: (typeof INVOICE_EVENT_TYPES)[number] }>;

export function isInvoiceEvent(event: DomainEvent): event is InvoiceEvent {
  return (INVOICE_EVENT_TYPES as readonly string[]).includes(event.type);
}

export function invoiceRowId(stripeInvoiceId: string): string {
  return uuidV5(stripeInvoiceId, INVOICE_ROW_NAMESPACE);
}

/**
 * How far along Stripe's invoice lifecycle a status is. An invoice only moves forward (draft,
 * open, then uncollectible, then paid or void), so a snapshot of an earlier stage is older news
 * whatever its timestamp says; unknown statuses rank with open.
 */
const STATUS_RANK: Record<string, number> = { draft: 0, open: 1, uncollectible: 2, paid: 3, void: 3 };

export function invoiceStatusRank(status: string): number {
  return STATUS_RANK[status] ?? 1;
}

/**
 * The row after `event`, or null when the event must not change it. Stripe delivers out of
 * order: a snapshot of an earlier lifecycle stage, or of the same stage from an older event, is
 * ignored; at equal stage and time the later one in the log wins, as a replay would decide too.
 */
export function evolveInvoice(current: InvoiceRow | null, event: InvoiceEvent): InvoiceRow | null {
  const { invoice, stripe, tenantId, customerId } = event.data;
  if (tenantId === null) return null;
  // An event names the status it reports; a snapshot without one has the status its event means.
  const status = invoice.status ?? STATUS_OF_EVENT[event.type];
  if (current) {
    const rankChange = invoiceStatusRank(status) - invoiceStatusRank(current.status);
    if (rankChange < 0) return null;
    if (rankChange === 0 && stripe.created * 1000 < current.last_event_created.getTime()) return null;
  }
  return {
    id: invoiceRowId(invoice.id),
    // A row never moves to another tenant, whatever a later event's metadata says.
    tenant_id: current?.tenant_id ?? tenantId,
    stripe_invoice_id: invoice.id,
    stripe_customer_id: customerId ?? current?.stripe_customer_id ?? null,
    stripe_subscription_id: invoice.subscriptionId ?? current?.stripe_subscription_id ?? null,
    number: invoice.number ?? current?.number ?? null,
    amount_due_minor: BigInt(invoice.amountDue),
    amount_paid_minor: BigInt(invoice.amountPaid),
    amount_remaining_minor: BigInt(invoice.amountRemaining),
    currency: invoice.currency,
    status,
    period_start: fromUnixSeconds(invoice.periodStart),
    period_end: fromUnixSeconds(invoice.periodEnd),
    hosted_invoice_url: invoice.hostedInvoiceUrl ?? current?.hosted_invoice_url ?? null,
    invoice_pdf: invoice.invoicePdf ?? current?.invoice_pdf ?? null,
    created: fromUnixSeconds(invoice.created),
    last_event_created: fromUnixSeconds(stripe.created),
    livemode: stripe.livemode,
  };
}

/** Invoice rows by Stripe invoice id, as `foldInvoices` reads and writes them. */
export const invoiceKey = (row: InvoiceRow) => row.stripe_invoice_id;

/** Folds a batch's events, in log order, over the rows it read (keyed by `invoiceKey`). */
export function foldInvoices(rows: BatchRows<InvoiceRow>, events: readonly DomainEvent[]): void {
  for (const event of events) {
    if (!isInvoiceEvent(event)) continue;
    const next = evolveInvoice(rows.get(event.data.invoice.id) ?? null, event);
    if (next) rows.set(next);
  }
}
