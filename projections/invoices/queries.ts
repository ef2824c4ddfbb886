import type { Kysely } from 'kysely';
import { pageNewestFirst, type PageRequest } from '../keyset-page.ts';
import type { InvoiceRow } from './row.ts';

export interface InvoiceRecord {
  readonly id: string;
  readonly stripeInvoiceId: string;
  readonly stripeSubscriptionId: string | null;
  readonly number: string | null;
  readonly amountDueMinor: bigint;
  readonly amountPaidMinor: bigint;
  readonly amountRemainingMinor: bigint;
  readonly currency: string;
  readonly status: string;
  readonly periodStart: Date | null;
  readonly periodEnd: Date | null;
  readonly hostedInvoiceUrl: string | null;
  readonly invoicePdf: string | null;
  readonly created: Date;
  readonly livemode: boolean;
}

/** Reads of the invoices read model behind the billing API; every one is scoped to a tenant. */
// eslint-disable-next-line @typescript-eslint/no-explicit-any
export function createInvoiceQueries(db: Kysely<any>) {
  return {
    /** Newest first; `startingAfter` is the id of the last invoice of the previous page. */
    async page(tenantId: string, options: PageRequest): Promise<{ invoices: InvoiceRecord[]; hasMore: boolean } | { cursorNotFound: true }> {
      const page = await pageNewestFirst<InvoiceRow>(db, { table: 'invoices', where: { tenant_id: tenantId }, orderBy: ['created', 'id'], idColumn: 'id' }, options);
      if ('cursorNotFound' in page) return page;
      return { hasMore: page.hasMore, invoices: page.rows.map(invoiceRecord) };
    },
  };
}

function invoiceRecord(r: InvoiceRow): InvoiceRecord {
  return {
    id: r.id,
    stripeInvoiceId: r.stripe_invoice_id,
    stripeSubscriptionId: r.stripe_subscription_id,
    number: r.number,
    amountDueMinor: r.amount_due_minor,
    amountPaidMinor: r.amount_paid_minor,
    amountRemainingMinor: r.amount_remaining_minor,
    currency: r.currency,
    status: r.status,
    periodStart: r.period_start,
    periodEnd: r.period_end,
    hostedInvoiceUrl: r.hosted_invoice_url,
    invoicePdf: r.invoice_pdf,
    created: r.created,
    livemode: r.livemode,
  };
}

export type InvoiceQueries = ReturnType<typeof createInvoiceQueries>;
