import type { Kysely } from 'kysely';
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
    async page(tenantId: string, options: { limit: number; startingAfter?: string | undefined }): Promise<{ invoices: InvoiceRecord[]; hasMore: boolean } | { cursorNotFound: true }> {
      let query = db.selectFrom('invoices').selectAll().where('tenant_id', '=', tenantId);
      if (options.startingAfter) {
        const cursor = await db
          .selectFrom('invoices')
          .select(['created', 'id'])
          .where('tenant_id', '=', tenantId)
          .where('id', '=', options.startingAfter)
          .executeTakeFirst();
        if (!cursor) return { cursorNotFound: true };
        query = query.where((eb) => eb.or([eb('created', '<', cursor.created), eb.and([eb('created', '=', cursor.created), eb('id', '<', cursor.id)])]));
      }
      const rows = (await query.orderBy('created', 'desc').orderBy('id', 'desc').limit(options.limit + 1).execute()) as InvoiceRow[];
      return { hasMore: rows.length > options.limit, invoices: rows.slice(0, options.limit).map(invoiceRecord) };
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
