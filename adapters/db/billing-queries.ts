import type { AnyDb } from './database.ts';

export interface PaymentRecord {
  readonly id: string;
  readonly stripeInvoiceId: string;
  readonly amountMinor: bigint;
  readonly amountRefundedMinor: bigint;
  readonly currency: string;
  readonly description: string | null;
  readonly paidAt: Date;
  readonly periodStart: Date | null;
  readonly periodEnd: Date | null;
  readonly receiptUrl: string | null;
}

export interface SubscriptionRecord {
  readonly id: string;
  readonly status: string;
  readonly planId: string | null;
  readonly planName: string | null;
  readonly billingCycle: string | null;
  readonly pendingPlanId: string | null;
  readonly stripeSubscriptionId: string;
  readonly stripePriceId: string | null;
  readonly currentPeriodStart: Date | null;
  readonly currentPeriodEnd: Date | null;
  readonly cancelAtPeriodEnd: boolean;
  readonly cancelDate: Date | null;
  readonly trialEnd: Date | null;
}

/** Read-side queries behind the billing API; every one is scoped to a tenant. */
export function createBillingQueries(anyDb: AnyDb) {
  // eslint-disable-next-line @typescript-eslint/no-explicit-any
  const db = anyDb as unknown as import('kysely').Kysely<any>;
  return {
    /** Newest first; `startingAfter` is the id of the last payment of the previous page. */
    async payments(tenantId: string, options: { limit: number; startingAfter?: string | undefined }): Promise<{ payments: PaymentRecord[]; hasMore: boolean } | { cursorNotFound: true }> {
      let query = db
        .selectFrom('payments')
        .select(['id', 'stripe_invoice_id', 'amount_minor', 'amount_refunded_minor', 'currency', 'description', 'paid_at', 'period_start', 'period_end', 'receipt_url'])
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
          description: r.description,
          paidAt: r.paid_at,
          periodStart: r.period_start,
          periodEnd: r.period_end,
          receiptUrl: r.receipt_url,
        })),
      };
    },

    /**
     * The tenant's current subscription: a live one if any (newest first), else the most recent
     * that ended.
     */
    async subscription(tenantId: string): Promise<SubscriptionRecord | null> {
      const row = await db
        .selectFrom('subscriptions as s')
        .leftJoin('plans as p', 'p.stripe_price_id', 's.stripe_price_id')
        .select([
          's.id', 's.status', 's.plan_id', 'p.name as plan_name', 'p.billing_cycle', 's.pending_plan_id', 's.stripe_subscription_id',
          's.stripe_price_id', 's.current_period_start', 's.current_period_end', 's.cancel_at_period_end', 's.cancel_date', 's.trial_end',
        ])
        .where('s.tenant_id', '=', tenantId)
        .orderBy((eb) => eb.case().when('s.status', 'in', ['canceled', 'incomplete_expired']).then(1).else(0).end())
        .orderBy('s.created', 'desc')
        .orderBy('s.id', 'desc')
        .executeTakeFirst();
      if (!row) return null;
      return {
        id: row.id,
        status: row.status,
        planId: row.plan_id,
        planName: row.plan_name,
        billingCycle: row.billing_cycle,
        pendingPlanId: row.pending_plan_id,
        stripeSubscriptionId: row.stripe_subscription_id,
        stripePriceId: row.stripe_price_id,
        currentPeriodStart: row.current_period_start,
        currentPeriodEnd: row.current_period_end,
        cancelAtPeriodEnd: row.cancel_at_period_end,
        cancelDate: row.cancel_date,
        trialEnd: row.trial_end,
      };
    },
  };
}

export type BillingQueries = ReturnType<typeof createBillingQueries>;
