import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import type { Entitlements } from '../../projections/entitlements/entitlements.ts';
import type { Ledger } from '../ledger.ts';
import { errorResponses, iso, isoDate, noQuery, subscriptionJson, subscriptionSchema, tenantRoute } from './billing-api.ts';

export type EntitlementsApiDeps = Pick<Ledger, 'entitlements'>;

const lock = z.enum(['locked', 'unlocked']);

const entitlementsSchema = z.object({
  access: z
    .object({
      state: z.enum(['active', 'suspended', 'revoked']),
      since: isoDate.nullable().describe('when the process manager last changed it; null if it never has'),
      reason: z.string().nullable(),
    })
    .describe('suspended after unpaid invoices (dunning), revoked when the subscription ended'),
  plan: z
    .object({
      id: z.string(),
      name: z.string(),
      tier: z.string(),
      billing_cycle: z.string(),
      limits: z.record(z.string(), z.union([z.number(), z.string(), z.boolean(), z.null()])).describe('from the plan catalogue; null means unlimited'),
    })
    .nullable()
    .describe("the catalogue plan of the current subscription's price"),
  features: lock.describe("unlocked while access is active and the subscription is trialing, active or past_due on a catalogue plan"),
  subscription: subscriptionSchema.nullable().describe('as GET /api/v1/billing/subscription'),
  infrastructure: lock.describe('unlocked once provisioning is ready (see GET /api/v1/infrastructure)'),
});

function entitlementsJson(e: Entitlements): z.input<typeof entitlementsSchema> {
  return {
    access: { state: e.access.state, since: iso(e.access.since), reason: e.access.reason },
    plan: e.plan && { id: e.plan.id, name: e.plan.name, tier: e.plan.tier, billing_cycle: e.plan.billingCycle, limits: e.plan.limits },
    features: e.features,
    subscription: e.subscription && subscriptionJson(e.subscription),
    infrastructure: e.infrastructure,
  };
}

/** GET /api/v1/billing/entitlements, behind `requireScope('tenant')` (app.ts). */
export function registerEntitlementsApi(app: FastifyInstance, deps: EntitlementsApiDeps): void {
  app.withTypeProvider<ZodTypeProvider>().get(
    '/api/v1/billing/entitlements',
    {
      schema: {
        ...tenantRoute,
        summary: 'What the tenant may use now: access, plan limits, subscription, infrastructure',
        querystring: noQuery,
        response: { 200: entitlementsSchema, ...errorResponses },
      },
    },
    async (request) => entitlementsJson(await deps.entitlements.forTenant(request.tenant!.id)),
  );
}
