import type { ProjectionDb } from '../projection.ts';

export async function createPaymentsTables(db: ProjectionDb, schema: string) {
  const s = db.schema.withSchema(schema);
  await s
    .createTable('payments')
    .ifNotExists()
    .addColumn('id', 'uuid', (c) => c.primaryKey())
    .addColumn('tenant_id', 'uuid', (c) => c.notNull())
    .addColumn('stripe_invoice_id', 'text', (c) => c.notNull().unique())
    .addColumn('stripe_payment_intent_id', 'text')
    .addColumn('stripe_charge_id', 'text')
    .addColumn('stripe_customer_id', 'text')
    .addColumn('stripe_subscription_id', 'text')
    .addColumn('invoice_number', 'text')
    .addColumn('amount_minor', 'bigint', (c) => c.notNull())
    .addColumn('amount_refunded_minor', 'bigint', (c) => c.notNull())
    .addColumn('currency', 'char(3)', (c) => c.notNull())
    .addColumn('status', 'text', (c) => c.notNull())
    .addColumn('description', 'text')
    .addColumn('paid_at', 'timestamptz', (c) => c.notNull())
    .addColumn('period_start', 'timestamptz')
    .addColumn('period_end', 'timestamptz')
    .addColumn('receipt_url', 'text')
    .addColumn('invoice_created', 'timestamptz', (c) => c.notNull())
    .addColumn('livemode', 'boolean', (c) => c.notNull())
    .execute();
  // A batch reads the payments and refunds its events name by any of their Stripe ids at once:
  // unindexed, that read would scan the whole table for every batch.
  await s.createIndex('payments_payment_intent_idx').ifNotExists().on('payments').column('stripe_payment_intent_id').execute();
  await s.createIndex('payments_charge_idx').ifNotExists().on('payments').column('stripe_charge_id').execute();
  await s
    .createTable('payment_refunds')
    .ifNotExists()
    .addColumn('stripe_charge_id', 'text', (c) => c.primaryKey())
    .addColumn('tenant_id', 'uuid', (c) => c.notNull())
    .addColumn('stripe_payment_intent_id', 'text')
    .addColumn('stripe_invoice_id', 'text')
    .addColumn('amount_refunded_minor', 'bigint', (c) => c.notNull())
    .addColumn('currency', 'char(3)', (c) => c.notNull())
    .execute();
  await s.createIndex('payment_refunds_payment_intent_idx').ifNotExists().on('payment_refunds').column('stripe_payment_intent_id').execute();
  await s.createIndex('payment_refunds_invoice_idx').ifNotExists().on('payment_refunds').column('stripe_invoice_id').execute();
  await s
    .createTable('invoice_payment_links')
    .ifNotExists()
    .addColumn('stripe_invoice_id', 'text', (c) => c.primaryKey())
    .addColumn('tenant_id', 'uuid', (c) => c.notNull())
    .addColumn('stripe_payment_intent_id', 'text')
    .addColumn('stripe_charge_id', 'text')
    .execute();
}

/** The API pages a tenant's payments by paid date; a batch never reads by these. */
export async function createPaymentsIndexes(db: ProjectionDb, schema: string) {
  const s = db.schema.withSchema(schema);
  await s.createIndex('payments_tenant_paid_idx').ifNotExists().on('payments').columns(['tenant_id', 'paid_at', 'id']).execute();
  // Finance reads every tenant's payments a keyset page at a time, by paid date or by amount.
  await s.createIndex('payments_paid_idx').ifNotExists().on('payments').columns(['paid_at', 'id']).execute();
  await s.createIndex('payments_amount_idx').ifNotExists().on('payments').columns(['amount_minor', 'id']).execute();
}
