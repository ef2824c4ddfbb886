import type { Plan } from '../plans/catalogue.ts';

const MONTHS_PER_CYCLE = { monthly: 1, annual: 12 } as const;

/**
 * An upgrade costs more per month than the current plan and applies at once, prorated; anything
 * else (a cheaper plan, or the same price on a longer cycle) is a downgrade and waits for the
 * period end, so a tenant never loses what they already paid for. Compared per month in minor
 * units, scaled to stay in integers (catalogue plans share one currency).
 */
export function planChangeDirection(current: Plan, next: Plan): 'upgrade' | 'downgrade' {
  const perMonth = (plan: Plan) => BigInt(plan.amountMinor) * 12n / BigInt(MONTHS_PER_CYCLE[plan.billingCycle]);
  return perMonth(next) > perMonth(current) ? 'upgrade' : 'downgrade';
}
