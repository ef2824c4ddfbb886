import { domainEventSchemas, type DomainEventType } from '../../domain/events/catalogue.ts';
import { TENANT_STREAM_PREFIX, UNROUTED_STREAM } from '../../domain/routing/streams.ts';
import type { Projection, ProjectionDb } from '../projection.ts';
import { selectRowsMatching, upsertRows } from '../row-queries.ts';
import { foldRouting, linkedObjectIds, routingRows } from './evolve.ts';
import type { ParkedEventRow, StripeObjectLinkRow } from './rows.ts';

/**
 * What ingest needs to route and re-route: which tenant each Stripe customer, invoice, charge
 * and payment intent belongs to (learnt from events routed by metadata, checkout or an earlier
 * link), and which events are parked in `unrouted` waiting for such a link. A parked event is
 * marked once its copy appears in a tenant stream.
 */
export const routingProjection: Projection = {
  name: 'routing',
  // 2: charges and payment intents are linked, and parked events keep the ones they name.
  version: 2,
  streamPrefixes: [TENANT_STREAM_PREFIX, UNROUTED_STREAM],
  tables: ['stripe_object_links', 'parked_events'],
  // Every event may park, link or mark a parked one done.
  eventTypes: new Set(Object.keys(domainEventSchemas) as DomainEventType[]),

  async createTables(db: ProjectionDb, schema: string) {
    const s = db.schema.withSchema(schema);
    await s
      .createTable('stripe_object_links')
      .ifNotExists()
      .addColumn('stripe_object_id', 'text', (c) => c.primaryKey())
      .addColumn('tenant_id', 'uuid', (c) => c.notNull())
      .addColumn('linked_by_event_id', 'uuid', (c) => c.notNull())
      .execute();
    await s
      .createTable('parked_events')
      .ifNotExists()
      .addColumn('event_id', 'uuid', (c) => c.primaryKey())
      .addColumn('stream_revision', 'bigint', (c) => c.notNull())
      .addColumn('stripe_event_id', 'text', (c) => c.notNull())
      .addColumn('stripe_type', 'text', (c) => c.notNull())
      .addColumn('stripe_customer_id', 'text')
      .addColumn('stripe_invoice_id', 'text')
      .addColumn('stripe_charge_id', 'text')
      .addColumn('stripe_payment_intent_id', 'text')
      .addColumn('hinted_tenant_id', 'text')
      .addColumn('stripe_created', 'timestamptz', (c) => c.notNull())
      .addColumn('rerouted_to', 'text')
      .execute();
  },

  // Read by their keys, by ingest and the re-router as by a batch: no other index.
  async createIndexes() {},

  async applyBatch(db, events) {
    const read = {
      links: await selectRowsMatching<StripeObjectLinkRow>(db, 'stripe_object_links', { stripe_object_id: events.flatMap(linkedObjectIds) }),
      parked: await selectRowsMatching<ParkedEventRow>(db, 'parked_events', { event_id: events.map(({ recorded }) => recorded.id) }),
    };
    const rows = routingRows(read);
    foldRouting(rows, events);
    await upsertRows(db, 'stripe_object_links', 'stripe_object_id', rows.links.written());
    await upsertRows(db, 'parked_events', 'event_id', rows.parked.written());
  },
};
