import { sql } from 'kysely';
import { TENANT_STREAM_PREFIX } from '../../domain/routing/streams.ts';
import { BatchRows } from '../batch-rows.ts';
import type { Projection, ProjectionDb } from '../projection.ts';
import { selectRowsMatching, upsertRows } from '../row-queries.ts';
import { foldSubscriptions, SUBSCRIPTION_EVENT_TYPES, SUBSCRIPTION_INTENT_TYPES, subscriptionIdOf, subscriptionKey } from './evolve.ts';
import type { SubscriptionRow } from './row.ts';

export const subscriptionsProjection: Projection = {
  name: 'subscriptions',
  // 2: cancel_reason and pending downgrades from the billing API's intents.
  // 3: customer.subscription.paused and .resumed (their snapshots say `paused`, then the status resumed to).
  version: 3,
  streamPrefixes: [TENANT_STREAM_PREFIX],
  tables: ['subscriptions'],
  eventTypes: new Set([...SUBSCRIPTION_EVENT_TYPES, ...SUBSCRIPTION_INTENT_TYPES]),

  async createTables(db: ProjectionDb, schema: string) {
    await db.schema
      .withSchema(schema)
      .createTable('subscriptions')
      .ifNotExists()
      .addColumn('id', 'uuid', (c) => c.primaryKey())
      .addColumn('tenant_id', 'uuid', (c) => c.notNull())
      .addColumn('plan_id', 'text')
      .addColumn('pending_plan_id', 'text')
      .addColumn('status', 'text', (c) =>
        c.notNull().check(sql`status in ('trialing','active','past_due','canceled','unpaid','incomplete','incomplete_expired','paused')`),
      )
      .addColumn('current_period_start', 'timestamptz')
      .addColumn('current_period_end', 'timestamptz')
      .addColumn('cancel_at_period_end', 'boolean', (c) => c.notNull())
      .addColumn('cancel_reason', 'text')
      .addColumn('cancel_date', 'timestamptz')
      .addColumn('billing_contact_user_id', 'text')
      .addColumn('stripe_subscription_id', 'text', (c) => c.notNull().unique())
      .addColumn('stripe_customer_id', 'text')
      .addColumn('stripe_price_id', 'text')
      .addColumn('pending_stripe_price_id', 'text')
      .addColumn('quantity', 'integer')
      .addColumn('trial_end', 'timestamptz')
      .addColumn('last_event_created', 'timestamptz', (c) => c.notNull())
      .addColumn('created', 'timestamptz', (c) => c.notNull())
      .addColumn('updated', 'timestamptz', (c) => c.notNull())
      .addColumn('livemode', 'boolean', (c) => c.notNull())
      .execute();
  },

  // A batch reads subscriptions by stripe_subscription_id (unique, so indexed with the table); the API reads a tenant's.
  async createIndexes(db: ProjectionDb, schema: string) {
    await db.schema
      .withSchema(schema)
      .createIndex('subscriptions_tenant_idx')
      .ifNotExists()
      .on('subscriptions')
      .columns(['tenant_id', 'created'])
      .execute();
  },

  async applyBatch(db, events, context) {
    const subscriptionIds = events.flatMap(({ event }) => subscriptionIdOf(event) ?? []);
    const read = await selectRowsMatching<SubscriptionRow>(db, 'subscriptions', { stripe_subscription_id: subscriptionIds });
    const rows = new BatchRows(subscriptionKey, read);
    foldSubscriptions(rows, events.map(({ event }) => event), context);
    await upsertRows(db, 'subscriptions', 'id', rows.written());
  },
};
