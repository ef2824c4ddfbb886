import type { Kysely } from 'kysely';

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
  /** Why the tenant cancelled (the billing API's cancel), or Stripe's cancellation feedback; null on tables from before version 2. */
  readonly cancelReason: string | null;
  readonly trialEnd: Date | null;
  /** Null while the API reads tables of a version that did not record it (see Projection.version). */
  readonly livemode: boolean | null;
}

/** Reads of the subscriptions read model behind the billing API; every one is scoped to a tenant. */
// eslint-disable-next-line @typescript-eslint/no-explicit-any
export function createSubscriptionQueries(db: Kysely<any>) {
  return {
    /**
     * The tenant's current subscription: a live one if any (newest first), else the most recent
     * that ended.
     */
    async current(tenantId: string): Promise<SubscriptionRecord | null> {
      const row = await db
        .selectFrom('subscriptions as s')
        // Plans are resolved when read, so a catalogue change shows at once.
        .leftJoin('plans as p', 'p.stripe_price_id', 's.stripe_price_id')
        .leftJoin('plans as pending', 'pending.stripe_price_id', 's.pending_stripe_price_id')
        // Every column of the row, so that the tables of an older version (missing newer columns) still answer.
        .selectAll('s')
        .select(['p.id as catalogue_plan_id', 'p.name as catalogue_plan_name', 'p.billing_cycle as catalogue_billing_cycle', 'pending.id as catalogue_pending_plan_id'])
        .where('s.tenant_id', '=', tenantId)
        .orderBy((eb) => eb.case().when('s.status', 'in', ['canceled', 'incomplete_expired']).then(1).else(0).end())
        .orderBy('s.created', 'desc')
        .orderBy('s.id', 'desc')
        .executeTakeFirst();
      if (!row) return null;
      return {
        id: row.id,
        status: row.status,
        planId: row.catalogue_plan_id,
        planName: row.catalogue_plan_name,
        billingCycle: row.catalogue_billing_cycle,
        pendingPlanId: row.catalogue_pending_plan_id,
        stripeSubscriptionId: row.stripe_subscription_id,
        stripePriceId: row.stripe_price_id,
        currentPeriodStart: row.current_period_start,
        currentPeriodEnd: row.current_period_end,
        cancelAtPeriodEnd: row.cancel_at_period_end,
        cancelDate: row.cancel_date,
        cancelReason: row.cancel_reason ?? null,
        trialEnd: row.trial_end,
        livemode: row.livemode ?? null,
      };
    },
  };
}

export type SubscriptionQueries = ReturnType<typeof createSubscriptionQueries>;
