import { TENANT_STREAM_PREFIX, UNROUTED_STREAM } from '../domain/routing/streams.ts';
import type { Projection, ProjectionDb } from './projection.ts';
import { fromUnixSeconds } from './time.ts';


/**
 * What ingest needs to route and re-route: which tenant each Stripe customer and invoice
 * belongs to (learnt from events routed by metadata or checkout), and which events are parked
 * in `unrouted` waiting for such a link. A parked event is marked once its copy appears in a
 * tenant stream.
 */
export const routingProjection: Projection = {
  name: 'routing',
  streamPrefixes: [TENANT_STREAM_PREFIX, UNROUTED_STREAM],
  tables: ['stripe_object_links', 'parked_events'],

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
      .addColumn('hinted_tenant_id', 'text')
      .addColumn('stripe_created', 'timestamptz', (c) => c.notNull())
      .addColumn('rerouted_to', 'text')
      .execute();
  },

  async apply(db, event, recorded) {
    const { customerId, tenantId, stripe } = event.data;
    if (recorded.streamName === UNROUTED_STREAM) {
      const hint = recorded.metadata['tenantHint'];
      await db
        .insertInto('parked_events')
        .values({
          event_id: recorded.id,
          stream_revision: recorded.revision,
          stripe_event_id: stripe.eventId,
          stripe_type: stripe.type,
          stripe_customer_id: customerId,
          stripe_invoice_id: event.type === 'InvoicePaymentPaid' ? event.data.invoicePayment.invoiceId : null,
          hinted_tenant_id: typeof hint === 'string' ? hint : null,
          stripe_created: fromUnixSeconds(stripe.created),
          rerouted_to: null,
        })
        .onConflict((oc) => oc.column('event_id').doNothing())
        .execute();
      return;
    }
    if (tenantId) {
      const invoiceId = 'invoice' in event.data ? event.data.invoice.id : null;
      for (const objectId of [customerId, invoiceId]) {
        if (!objectId) continue;
        // The first tenant seen for an object keeps it: a customer never moves between tenants.
        await db
          .insertInto('stripe_object_links')
          .values({ stripe_object_id: objectId, tenant_id: tenantId, linked_by_event_id: recorded.id })
          .onConflict((oc) => oc.column('stripe_object_id').doNothing())
          .execute();
      }
    }
    await db.updateTable('parked_events').set({ rerouted_to: recorded.streamName }).where('event_id', '=', recorded.id).execute();
  },
};
