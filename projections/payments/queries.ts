import type { Kysely } from 'kysely';
import type { PaymentStatus } from './evolve.ts';

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
    async page(tenantId: string, options: { limit: number; startingAfter?: string | undefined }): Promise<{ payments: PaymentRecord[]; hasMore: boolean } | { cursorNotFound: true }> {
      let query = db
        .selectFrom('payments')
        // Every column, so that the tables of an older version (missing newer columns) still answer.
        .selectAll()
        .where('tenant_id', '=', tenantId);
      if (options.startingAfter) {
        const cursor = await db
          .selectFrom('payments')
          .select(['paid_at', 'id'])
          .where('tenant_id', '=', tenantId)
          .where('id', '=', options.startingAfter)
          .executeTakeFirst();
        if (!cursor) return { cursorNotFound: true };
        query = query.where((eb) =>
          eb.or([eb('paid_at', '<', cursor.paid_at), eb.and([eb('paid_at', '=', cursor.paid_at), eb('id', '<', cursor.id)])]),
        );
      }
      const rows = await query.orderBy('paid_at', 'desc').orderBy('id', 'desc').limit(options.limit + 1).execute();
      return {
        hasMore: rows.length > options.limit,
        payments: rows.slice(0, options.limit).map((r) => ({
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
