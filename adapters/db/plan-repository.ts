import type { AnyDb } from './database.ts';
import type { PlanCatalogue } from '../../domain/plans/catalogue.ts';

type PlanTables = {
  plans: {
    id: string;
    name: string;
    tier: string;
    billing_cycle: string;
    stripe_price_id: string;
    amount_minor: bigint;
    currency: string;
    limits: string;
  };
};

/** Makes the `plans` table hold exactly the catalogue file's plans, in one transaction. */
export async function syncPlans(anyDb: AnyDb, catalogue: PlanCatalogue): Promise<void> {
  await anyDb.withTables<PlanTables>().transaction().execute(async (db) => {
    const ids = catalogue.plans.map((p) => p.id);
    let stale = db.deleteFrom('plans');
    if (ids.length) stale = stale.where('id', 'not in', ids);
    await stale.execute();
    for (const plan of catalogue.plans) {
      const row = {
        id: plan.id,
        name: plan.name,
        tier: plan.tier,
        billing_cycle: plan.billingCycle,
        stripe_price_id: plan.stripePriceId,
        amount_minor: BigInt(plan.amountMinor),
        currency: plan.currency,
        limits: JSON.stringify(plan.limits),
      };
      const { id: _id, ...changes } = row;
      await db.insertInto('plans').values(row).onConflict((oc) => oc.column('id').doUpdateSet(changes)).execute();
    }
  });
}
