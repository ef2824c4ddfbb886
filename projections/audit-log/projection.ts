import type { Projection, ProjectionDb } from '../projection.ts';
import { upsertRows } from '../row-queries.ts';
import { AUDITED_EVENT_TYPES, AUDITED_STREAM_PREFIXES, auditRow } from './evolve.ts';
import type { AuditRow } from './row.ts';

/**
 * One row per domain event of a tenant's streams: the billing events and intents in
 * `tenant-<id>`, and every step the process manager recorded in `provisioning-<id>` and
 * `dunning-<id>`, with when it happened, its Stripe event and its correlation and causation ids.
 */
export const auditLogProjection: Projection = {
  name: 'audit_log',
  version: 1,
  streamPrefixes: AUDITED_STREAM_PREFIXES,
  tables: ['audit_log'],
  eventTypes: AUDITED_EVENT_TYPES,

  async createTables(db: ProjectionDb, schema: string) {
    const s = db.schema.withSchema(schema);
    await s
      .createTable('audit_log')
      .ifNotExists()
      .addColumn('event_id', 'uuid', (c) => c.primaryKey())
      // Text, as the stream names it: the trail keeps an event whatever its tenant id looks like.
      .addColumn('tenant_id', 'text', (c) => c.notNull())
      .addColumn('stream', 'text', (c) => c.notNull())
      .addColumn('stream_revision', 'bigint', (c) => c.notNull())
      .addColumn('type', 'text', (c) => c.notNull())
      .addColumn('summary', 'text', (c) => c.notNull())
      .addColumn('occurred_at', 'timestamptz', (c) => c.notNull())
      .addColumn('recorded_at', 'timestamptz', (c) => c.notNull())
      .addColumn('stripe_event_id', 'text')
      .addColumn('correlation_id', 'text')
      .addColumn('causation_id', 'text')
      .execute();
  },

  async createIndexes(db: ProjectionDb, schema: string) {
    // The trail's order, newest first: (occurred_at, stream, stream_revision) is unique, so pages never skip or repeat a row.
    await db.schema.withSchema(schema).createIndex('audit_log_tenant_order_idx').ifNotExists().on('audit_log').columns(['tenant_id', 'occurred_at', 'stream', 'stream_revision']).execute();
  },

  async applyBatch(db, events) {
    // Keyed by event id: one statement may not write a row twice.
    const rows = new Map<string, AuditRow>();
    for (const event of events) {
      const row = auditRow(event);
      if (row) rows.set(row.event_id, row);
    }
    await upsertRows(db, 'audit_log', 'event_id', [...rows.values()]);
  },
};
