import { TENANT_STREAM_PREFIX } from '../../domain/routing/streams.ts';
import { BatchRows } from '../batch-rows.ts';
import type { Projection, ProjectionDb } from '../projection.ts';
import { selectRowsMatching, upsertRows } from '../row-queries.ts';
import { foldPaymentMethods, PAYMENT_METHOD_EVENT_TYPES, paymentMethodIdsOf } from './evolve.ts';
import type { DefaultPaymentMethodRow, PaymentMethodRow } from './rows.ts';

/** The payment methods attached to each tenant's Stripe customer, and which one is its default. */
export const paymentMethodsProjection: Projection = {
  name: 'payment_methods',
  version: 1,
  streamPrefixes: [TENANT_STREAM_PREFIX],
  tables: ['payment_methods', 'default_payment_methods'],
  eventTypes: new Set(PAYMENT_METHOD_EVENT_TYPES),

  async createTables(db: ProjectionDb, schema: string) {
    const s = db.schema.withSchema(schema);
    await s
      .createTable('payment_methods')
      .ifNotExists()
      .addColumn('stripe_payment_method_id', 'text', (c) => c.primaryKey())
      .addColumn('tenant_id', 'uuid', (c) => c.notNull())
      .addColumn('stripe_customer_id', 'text')
      .addColumn('type', 'text', (c) => c.notNull())
      .addColumn('brand', 'text')
      .addColumn('last4', 'text')
      .addColumn('exp_month', 'integer')
      .addColumn('exp_year', 'integer')
      .addColumn('last_event_created', 'timestamptz', (c) => c.notNull())
      .addColumn('livemode', 'boolean', (c) => c.notNull())
      .execute();
    await s
      .createTable('default_payment_methods')
      .ifNotExists()
      .addColumn('stripe_customer_id', 'text', (c) => c.primaryKey())
      .addColumn('tenant_id', 'uuid', (c) => c.notNull())
      .addColumn('stripe_payment_method_id', 'text')
      .addColumn('last_event_created', 'timestamptz', (c) => c.notNull())
      .execute();
  },

  // A batch reads both tables by their keys; the API lists a tenant's methods.
  async createIndexes(db: ProjectionDb, schema: string) {
    await db.schema.withSchema(schema).createIndex('payment_methods_tenant_idx').ifNotExists().on('payment_methods').column('tenant_id').execute();
  },

  async applyBatch(db, events) {
    const domainEvents = events.map(({ event }) => event);
    const ids = paymentMethodIdsOf(domainEvents);
    const rows = {
      methods: new BatchRows((row: PaymentMethodRow) => row.stripe_payment_method_id, await selectRowsMatching<PaymentMethodRow>(db, 'payment_methods', { stripe_payment_method_id: ids.methods })),
      defaults: new BatchRows(
        (row: DefaultPaymentMethodRow) => row.stripe_customer_id,
        await selectRowsMatching<DefaultPaymentMethodRow>(db, 'default_payment_methods', { stripe_customer_id: ids.customers }),
      ),
    };
    foldPaymentMethods(rows, domainEvents);
    await upsertRows(db, 'payment_methods', 'stripe_payment_method_id', rows.methods.written());
    await upsertRows(db, 'default_payment_methods', 'stripe_customer_id', rows.defaults.written());
  },
};
