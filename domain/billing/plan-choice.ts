import type { Plan, PlanCatalogue } from '../plans/catalogue.ts';

export type PlanChoice = { ok: true; plan: Plan } | { ok: false; field: 'plan' | 'billing_cycle'; problem: string };

/** The catalogue plan a tenant asks for by tier (`plan`) and cycle; a mistake names what exists. */
export function choosePlan(catalogue: PlanCatalogue, tier: string, billingCycle: string): PlanChoice {
  const tiers = [...new Set(catalogue.plans.map((p) => p.tier))];
  if (!tiers.includes(tier)) return { ok: false, field: 'plan', problem: `unknown plan ${JSON.stringify(tier)}; valid plans: ${tiers.join(', ')}` };
  const ofTier = catalogue.plans.filter((p) => p.tier === tier);
  const plan = ofTier.find((p) => p.billingCycle === billingCycle);
  if (!plan) {
    return {
      ok: false,
      field: 'billing_cycle',
      problem: `plan ${tier} has no ${JSON.stringify(billingCycle)} billing cycle; valid cycles: ${ofTier.map((p) => p.billingCycle).join(', ')}`,
    };
  }
  return { ok: true, plan };
}
