import type { Kysely } from 'kysely';
import type { PlanCatalogue } from '../../domain/plans/catalogue.ts';
import { canonicalTenantId } from '../../domain/routing/tenant-hints.ts';
import { createSubscriptionQueries } from '../subscriptions/queries.ts';
import { entitlementsOf, type Entitlements } from './entitlements.ts';
import type { EntitlementRow } from './row.ts';

/**
 * The tenant's entitlements: access and infrastructure from the entitlements read model, the
 * plan and status from its current subscription (the one GET /billing/subscription shows, so the
 * two never disagree), the plan's limits from the catalogue when read, so a catalogue change
 * needs no rebuild.
 */
// eslint-disable-next-line @typescript-eslint/no-explicit-any
export function createEntitlementQueries(db: Kysely<any>, catalogue: PlanCatalogue) {
  const subscriptions = createSubscriptionQueries(db);
  return {
    async forTenant(tenantId: string): Promise<Entitlements> {
      const row = (await db.selectFrom('entitlements').selectAll().where('tenant_id', '=', canonicalTenantId(tenantId) ?? tenantId).executeTakeFirst()) as EntitlementRow | undefined;
      const subscription = await subscriptions.current(tenantId);
      const plan = catalogue.plans.find((p) => p.id === subscription?.planId) ?? null;
      return entitlementsOf(tenantId, row ?? null, subscription, plan);
    },
  };
}

export type EntitlementQueries = ReturnType<typeof createEntitlementQueries>;
