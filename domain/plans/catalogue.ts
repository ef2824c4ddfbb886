import { z } from 'zod';
import { currencyCode, minorUnits } from '../money.ts';

export const planSchema = z.object({
  /** Stable id the ledger stores, e.g. "professional-monthly". */
  id: z.string().min(1),
  name: z.string().min(1),
  tier: z.string().min(1),
  billingCycle: z.enum(['monthly', 'annual']),
  stripePriceId: z.string().min(1),
  amountMinor: minorUnits.nonnegative(),
  currency: currencyCode,
  /** Days of free trial a new subscription to this plan starts with (Checkout's trial_period_days); none when absent. */
  trialDays: z.number().int().min(1).max(730).optional(),
  /** null means unlimited. */
  limits: z.record(z.string(), z.union([z.number(), z.string(), z.boolean(), z.null()])),
});

export const planCatalogueSchema = z
  .object({ plans: z.array(planSchema) })
  .superRefine((catalogue, context) => {
    // A price maps to exactly one plan, or a subscription's plan would depend on lookup order.
    for (const key of ['id', 'stripePriceId'] as const) {
      for (const duplicate of duplicates(catalogue.plans.map((plan) => plan[key]))) {
        context.addIssue({ code: 'custom', path: ['plans'], message: `duplicate plan ${key} ${JSON.stringify(duplicate)}` });
      }
    }
  });

export type Plan = z.output<typeof planSchema>;
export type PlanCatalogue = z.output<typeof planCatalogueSchema>;

export function parsePlanCatalogue(json: unknown): PlanCatalogue {
  const parsed = planCatalogueSchema.safeParse(json);
  if (!parsed.success) throw new Error(`invalid plan catalogue: ${z.prettifyError(parsed.error)}`);
  return parsed.data;
}

function duplicates(values: readonly string[]): string[] {
  return [...new Set(values.filter((value, index) => values.indexOf(value) !== index))];
}
