import type { Kysely } from 'kysely';
import { pageNewestFirst, type PageRequest } from '../keyset-page.ts';
import type { PaymentStatus } from './evolve.ts';
import type { PaymentRow } from './rows.ts';

/** A row as a table of any version holds it: version 1 had no `livemode` and said `paid`. */
type StoredPayment = Omit<PaymentRow, 'livemode' | 'status'> & { livemode?: boolean; status: PaymentStatus | 'paid' };

export interface PaymentRecord {
  readonly id: string;
  readonly stripeInvoiceId: string;
  readonly amountMinor: bigint;
  readonly amountRefundedMinor: bigint;
  readonly currency: string;
  readonly status: PaymentStatus;
  /** Null while the API reads tables of a version that did not record it (see Projection.version). */
  readonly livemode: boolean | null;
  readonly description: string | null;
  readonly paidAt: Date;
  readonly periodStart: Date | null;
  readonly periodEnd: Date | null;
  readonly receiptUrl: string | null;
}

/** Reads of the payments read model behind the billing API; every one is scoped to a tenant. */
// eslint-disable-next-line @typescript-eslint/no-explicit-any
export function createPaymentQueries(db: Kysely<any>) {
  return {
    /** Newest first; `startingAfter` is the id of the last payment of the previous page. */
    async page(tenantId: string, options: PageRequest): Promise<{ payments: PaymentRecord[]; hasMore: boolean } | { cursorNotFound: true }> {
      // Every column, so that the tables of an older version (missing newer columns) still answer.
      const page = await pageNewestFirst<StoredPayment>(db, { table: 'payments', where: { tenant_id: tenantId }, orderBy: ['paid_at', 'id'], idColumn: 'id' }, options);
      if ('cursorNotFound' in page) return page;
      return {
        hasMore: page.hasMore,
        payments: page.rows.map((r) => ({
          id: r.id,
          stripeInvoiceId: r.stripe_invoice_id,
          amountMinor: r.amount_minor,
          amountRefundedMinor: r.amount_refunded_minor,
          currency: r.currency,
          // Tables of version 1 said `paid` until the rebuild swaps in those of version 2.
          status: r.status === 'paid' ? 'succeeded' : r.status,
          livemode: r.livemode ?? null,
          description: r.description,
          paidAt: r.paid_at,
          periodStart: r.period_start,
          periodEnd: r.period_end,
          receiptUrl: r.receipt_url,
        })),
      };
    },
  };
}

export type PaymentQueries = ReturnType<typeof createPaymentQueries>;
