import { sql } from 'kysely';
import { BatchRows } from '../batch-rows.ts';
import type { Projection, ProjectionDb } from '../projection.ts';
import { selectRowsMatching, upsertRows } from '../row-queries.ts';
import { ENTITLEMENT_EVENT_TYPES, entitlementKey, entitlementTenantOf, foldEntitlements } from './evolve.ts';
import type { EntitlementRow } from './row.ts';

/**
 * Per tenant: access (suspended, restored, revoked by the process manager) and whether its
 * infrastructure is unlocked (once provisioning is ready). Both come from the process streams.
 */
export const entitlementsProjection: Projection = {
  name: 'entitlements',
  version: 1,
  streamPrefixes: ['provisioning-', 'dunning-'],
  tables: ['entitlements'],
  eventTypes: new Set(ENTITLEMENT_EVENT_TYPES),

  async createTables(db: ProjectionDb, schema: string) {
    await db.schema
      .withSchema(schema)
      .createTable('entitlements')
      .ifNotExists()
      .addColumn('tenant_id', 'text', (c) => c.primaryKey())
      .addColumn('access_state', 'text', (c) => c.notNull().check(sql`access_state in ('active','suspended','revoked')`))
      .addColumn('access_since', 'timestamptz')
      .addColumn('access_reason', 'text')
      .addColumn('access_invoice_id', 'text')
      .addColumn('revoked_subscription_id', 'text')
      .addColumn('infrastructure', 'text', (c) => c.notNull().check(sql`infrastructure in ('locked','unlocked')`))
      .addColumn('infrastructure_ready_at', 'timestamptz')
      .execute();
  },

  // Read by tenant id, its key: no other index.
  async createIndexes() {},

  async applyBatch(db, events) {
    const domainEvents = events.map(({ event }) => event);
    const tenantIds = domainEvents.flatMap((event) => entitlementTenantOf(event) ?? []);
    const rows = new BatchRows(entitlementKey, await selectRowsMatching<EntitlementRow>(db, 'entitlements', { tenant_id: tenantIds }));
    foldEntitlements(rows, domainEvents);
    await upsertRows(db, 'entitlements', 'tenant_id', rows.written());
  },
};
