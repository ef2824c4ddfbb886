import type { ProjectionDb } from '../projection.ts';

export async function createMoneyMovementTables(db: ProjectionDb, schema: string) {
  const s = db.schema.withSchema(schema);
  await s
    .createTable('money_movements')
    .ifNotExists()
    .addColumn('id', 'uuid', (c) => c.primaryKey())
    .addColumn('movement_key', 'text', (c) => c.notNull().unique())
    .addColumn('tenant_id', 'uuid', (c) => c.notNull())
    .addColumn('kind', 'text', (c) => c.notNull())
    .addColumn('status', 'text', (c) => c.notNull())
    .addColumn('amount_minor', 'bigint', (c) => c.notNull())
    .addColumn('net_minor', 'bigint', (c) => c.notNull())
    .addColumn('currency', 'char(3)', (c) => c.notNull())
    .addColumn('fee_minor', 'bigint')
    .addColumn('application_fee_minor', 'bigint')
    .addColumn('livemode', 'boolean', (c) => c.notNull())
    .addColumn('occurred_at', 'timestamptz', (c) => c.notNull())
    .addColumn('stripe_customer_id', 'text')
    .addColumn('stripe_invoice_id', 'text')
    .addColumn('stripe_payment_intent_id', 'text')
    .addColumn('stripe_charge_id', 'text')
    .addColumn('stripe_object_id', 'text')
    .addColumn('reason', 'text')
    .addColumn('failure_message', 'text')
    .addColumn('stripe_event_id', 'text', (c) => c.notNull())
    .addColumn('last_event_created', 'timestamptz', (c) => c.notNull())
    .execute();
  // A batch reads the rows its events reach through any of these ids.
  await s.createIndex('money_movements_invoice_idx').ifNotExists().on('money_movements').column('stripe_invoice_id').execute();
  await s.createIndex('money_movements_payment_intent_idx').ifNotExists().on('money_movements').column('stripe_payment_intent_id').execute();
  await s.createIndex('money_movements_charge_idx').ifNotExists().on('money_movements').column('stripe_charge_id').execute();
  await s.createIndex('money_movements_object_idx').ifNotExists().on('money_movements').column('stripe_object_id').execute();
  await s
    .createTable('money_movement_payment_facts')
    .ifNotExists()
    .addColumn('stripe_id', 'text', (c) => c.primaryKey())
    .addColumn('tenant_id', 'uuid', (c) => c.notNull())
    .addColumn('stripe_invoice_id', 'text')
    .addColumn('stripe_payment_intent_id', 'text')
    .addColumn('stripe_charge_id', 'text')
    .addColumn('fee_minor', 'bigint')
    .addColumn('application_fee_minor', 'bigint')
    .execute();
  await s.createIndex('money_movement_payment_facts_invoice_idx').ifNotExists().on('money_movement_payment_facts').column('stripe_invoice_id').execute();
  await s.createIndex('money_movement_payment_facts_intent_idx').ifNotExists().on('money_movement_payment_facts').column('stripe_payment_intent_id').execute();
}

/** Finance pages movements by when they occurred, across tenants or in one; a batch never reads by either. */
export async function createMoneyMovementIndexes(db: ProjectionDb, schema: string) {
  const s = db.schema.withSchema(schema);
  await s.createIndex('money_movements_occurred_idx').ifNotExists().on('money_movements').columns(['occurred_at', 'id']).execute();
  await s.createIndex('money_movements_tenant_occurred_idx').ifNotExists().on('money_movements').columns(['tenant_id', 'occurred_at', 'id']).execute();
}
