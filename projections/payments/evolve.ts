import type { DomainEvent, DomainEventData } from '../../domain/events/catalogue.ts';
import type { ChargeSnapshot } from '../../domain/events/charge-events.ts';
import type { InvoicePaymentSnapshot } from '../../domain/events/invoice-events.ts';
import { uuidV5 } from '../../domain/ids.ts';
import { BatchRows } from '../batch-rows.ts';
import { fromUnixSeconds } from '../time.ts';
import type { InvoicePaymentLinkRow, PaymentRow, RefundRow } from './rows.ts';

const PAYMENT_ROW_NAMESPACE = '8f8a1f3e-0c2b-5b8e-a6a4-6f0f4a7d2e19';

export function paymentRowId(stripeInvoiceId: string): string {
  return uuidV5(stripeInvoiceId, PAYMENT_ROW_NAMESPACE);
}

export const PAYMENT_EVENT_TYPES = ['InvoicePaid', 'InvoicePaymentSucceeded', 'InvoicePaymentPaid', 'ChargeRefunded'] as const;

/** The three tables as a batch sees them: payments and links by invoice id, refunds by charge id. */
export interface PaymentsRows {
  readonly payments: BatchRows<PaymentRow>;
  readonly refunds: BatchRows<RefundRow>;
  readonly links: BatchRows<InvoicePaymentLinkRow>;
}

export function paymentsRows(read: { payments?: PaymentRow[]; refunds?: RefundRow[]; links?: InvoicePaymentLinkRow[] } = {}): PaymentsRows {
  return {
    payments: new BatchRows((row) => row.stripe_invoice_id, read.payments),
    refunds: new BatchRows((row) => row.stripe_charge_id, read.refunds),
    links: new BatchRows((row) => row.stripe_invoice_id, read.links),
  };
}

/** Stripe ids by the column that holds them; all three tables have these columns. */
export type StripeIds = Record<keyof StripeIdColumns, Set<string>>;
type StripeIdColumns = { stripe_invoice_id: string | null; stripe_payment_intent_id: string | null; stripe_charge_id: string | null };

export function addStripeIds(ids: StripeIds, row: StripeIdColumns): void {
  for (const column of Object.keys(ids) as (keyof StripeIdColumns)[]) {
    const id = row[column];
    if (id !== null) ids[column].add(id);
  }
}

/**
 * The ids through which a batch's events reach rows. A refund counts towards every payment that
 * shares one of these ids with it, so whoever reads rows for the batch must widen them with the
 * ids of the links and payments read before reading refunds.
 */
export function stripeIdsOf(events: readonly DomainEvent[]): StripeIds {
  const ids: StripeIds = { stripe_invoice_id: new Set(), stripe_payment_intent_id: new Set(), stripe_charge_id: new Set() };
  for (const event of events) {
    if (event.type === 'InvoicePaid' || event.type === 'InvoicePaymentSucceeded') {
      const { invoice } = event.data;
      addStripeIds(ids, { stripe_invoice_id: invoice.id, stripe_payment_intent_id: invoice.paymentIntentId, stripe_charge_id: invoice.chargeId });
    } else if (event.type === 'InvoicePaymentPaid') {
      const p = event.data.invoicePayment;
      addStripeIds(ids, { stripe_invoice_id: p.invoiceId, stripe_payment_intent_id: p.paymentIntentId, stripe_charge_id: p.chargeId });
    } else if (event.type === 'ChargeRefunded') {
      const { charge } = event.data;
      addStripeIds(ids, { stripe_invoice_id: charge.invoiceId, stripe_payment_intent_id: charge.paymentIntentId, stripe_charge_id: charge.id });
    }
  }
  return ids;
}

/**
 * Folds a batch's events, in log order, over the rows it read. One row per paid invoice; refunds
 * and the invoice's payment ids may arrive before or after it.
 */
export function foldPayments(rows: PaymentsRows, events: readonly DomainEvent[]): void {
  for (const event of events) {
    const { tenantId } = event.data;
    if (tenantId === null) continue;
    // invoice.payment_succeeded is sent beside invoice.paid for the same payment: same row.
    if (event.type === 'InvoicePaid' || event.type === 'InvoicePaymentSucceeded') {
      // A $0 invoice (a trial, a fully credited period) moves no money: it is not a payment.
      if (event.data.invoice.amountPaid === 0) continue;
      const invoiceId = event.data.invoice.id;
      // A redelivered invoice.paid carries the same facts: it overwrites the row, so it counts once.
      // A row never moves to another tenant, whatever a later event's metadata says.
      const owner = rows.payments.get(invoiceId)?.tenant_id ?? tenantId;
      rows.payments.set(paidInvoiceRow(event.data, owner, rows.links.get(invoiceId)));
      refreshRefunded(rows, invoiceId);
    } else if (event.type === 'InvoicePaymentPaid') {
      const p = event.data.invoicePayment;
      rows.links.set(linkAfter(rows.links.get(p.invoiceId), p, tenantId));
      const payment = rows.payments.get(p.invoiceId);
      if (payment) rows.payments.set(withPaymentIds(payment, p));
      refreshRefunded(rows, p.invoiceId);
    } else if (event.type === 'ChargeRefunded') {
      const { charge } = event.data;
      const refund = refundAfter(rows.refunds.get(charge.id), charge, tenantId);
      rows.refunds.set(refund);
      // Ids an earlier delivery of this charge named still tie the refund to its payment.
      for (const payment of rows.payments.all().filter((row) => sharesStripeId(row, refund))) refreshRefunded(rows, payment.stripe_invoice_id);
    }
  }
}

function paidInvoiceRow(data: DomainEventData<'InvoicePaid' | 'InvoicePaymentSucceeded'>, tenantId: string, link: InvoicePaymentLinkRow | undefined): PaymentRow {
  const { invoice, stripe, customerId } = data;
  return {
    id: paymentRowId(invoice.id),
    tenant_id: tenantId,
    stripe_invoice_id: invoice.id,
    stripe_payment_intent_id: invoice.paymentIntentId ?? link?.stripe_payment_intent_id ?? null,
    stripe_charge_id: invoice.chargeId ?? link?.stripe_charge_id ?? null,
    stripe_customer_id: customerId,
    stripe_subscription_id: invoice.subscriptionId,
    invoice_number: invoice.number,
    amount_minor: BigInt(invoice.amountPaid),
    amount_refunded_minor: 0n, // counted from the refunds right after
    currency: invoice.currency,
    status: 'succeeded',
    description: invoice.description ?? (invoice.number ? `Invoice ${invoice.number}` : null),
    paid_at: fromUnixSeconds(invoice.paidAt ?? stripe.created),
    period_start: fromUnixSeconds(invoice.periodStart),
    period_end: fromUnixSeconds(invoice.periodEnd),
    receipt_url: invoice.hostedInvoiceUrl,
    invoice_created: fromUnixSeconds(invoice.created),
    livemode: stripe.livemode,
  };
}

/** The newest invoice_payment names the ids; one that names none keeps those already known. */
function linkAfter(link: InvoicePaymentLinkRow | undefined, p: InvoicePaymentSnapshot, tenantId: string): InvoicePaymentLinkRow {
  if (!link) return { stripe_invoice_id: p.invoiceId, tenant_id: tenantId, stripe_payment_intent_id: p.paymentIntentId, stripe_charge_id: p.chargeId };
  return { ...link, stripe_payment_intent_id: p.paymentIntentId ?? link.stripe_payment_intent_id, stripe_charge_id: p.chargeId ?? link.stripe_charge_id };
}

/** Ids the paid invoice named itself win over those an invoice_payment names. */
function withPaymentIds(payment: PaymentRow, p: InvoicePaymentSnapshot): PaymentRow {
  return { ...payment, stripe_payment_intent_id: payment.stripe_payment_intent_id ?? p.paymentIntentId, stripe_charge_id: payment.stripe_charge_id ?? p.chargeId };
}

/**
 * amount_refunded is cumulative on the charge: keeping the largest seen makes redelivery and
 * out-of-order delivery harmless. A refund keeps the tenant and currency it was first seen with.
 */
function refundAfter(refund: RefundRow | undefined, charge: ChargeSnapshot, tenantId: string): RefundRow {
  const amount = BigInt(charge.amountRefunded);
  if (!refund) {
    return {
      stripe_charge_id: charge.id,
      tenant_id: tenantId,
      stripe_payment_intent_id: charge.paymentIntentId,
      stripe_invoice_id: charge.invoiceId,
      amount_refunded_minor: amount,
      currency: charge.currency,
    };
  }
  return {
    ...refund,
    amount_refunded_minor: amount > refund.amount_refunded_minor ? amount : refund.amount_refunded_minor,
    stripe_payment_intent_id: charge.paymentIntentId ?? refund.stripe_payment_intent_id,
    stripe_invoice_id: charge.invoiceId ?? refund.stripe_invoice_id,
  };
}

/** Recomputes a payment's refunded total from every refund in its tenant that names its invoice, intent or charge. */
function refreshRefunded(rows: PaymentsRows, stripeInvoiceId: string): void {
  const payment = rows.payments.get(stripeInvoiceId);
  if (!payment) return;
  let total = 0n;
  for (const refund of rows.refunds.all()) {
    if (sameUuid(refund.tenant_id, payment.tenant_id) && sharesStripeId(refund, payment)) total += refund.amount_refunded_minor;
  }
  rows.payments.set({ ...payment, amount_refunded_minor: total, status: paymentStatus(payment.amount_minor, total) });
}

/** The documented API's vocabulary: a paid invoice's payment `succeeded`, as Stripe says of a charge. */
export type PaymentStatus = 'succeeded' | 'partially_refunded' | 'refunded';

export function paymentStatus(amountMinor: bigint, refundedMinor: bigint): PaymentStatus {
  if (refundedMinor === 0n) return 'succeeded';
  return refundedMinor >= amountMinor ? 'refunded' : 'partially_refunded';
}

/** SQL equality on any of the id columns: null names nothing. */
function sharesStripeId(a: StripeIdColumns, b: StripeIdColumns): boolean {
  const same = (x: string | null, y: string | null) => x !== null && x === y;
  return same(a.stripe_invoice_id, b.stripe_invoice_id) || same(a.stripe_payment_intent_id, b.stripe_payment_intent_id) || same(a.stripe_charge_id, b.stripe_charge_id);
}

/** Postgres compares uuid values, not their spelling: an event may carry a tenant id in upper case. */
function sameUuid(a: string, b: string): boolean {
  return a.toLowerCase() === b.toLowerCase();
}
