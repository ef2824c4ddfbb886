import { TENANT_STREAM_PREFIX } from '../../domain/routing/streams.ts';
import { BatchRows } from '../batch-rows.ts';
import type { Projection, ProjectionDb } from '../projection.ts';
import { selectRowsMatching, upsertRows } from '../row-queries.ts';
import { foldInvoices, INVOICE_EVENT_TYPES, invoiceKey, isInvoiceEvent } from './evolve.ts';
import type { InvoiceRow } from './row.ts';

/** One row per invoice a tenant was billed, in its latest known state; deliveries may come in any order. */
export const invoicesProjection: Projection = {
  name: 'invoices',
  // 2: invoice.finalized, .voided, .marked_uncollectible and .payment_succeeded.
  version: 2,
  streamPrefixes: [TENANT_STREAM_PREFIX],
  tables: ['invoices'],
  eventTypes: new Set(INVOICE_EVENT_TYPES),

  async createTables(db: ProjectionDb, schema: string) {
    const s = db.schema.withSchema(schema);
    await s
      .createTable('invoices')
      .ifNotExists()
      .addColumn('id', 'uuid', (c) => c.primaryKey())
      .addColumn('tenant_id', 'uuid', (c) => c.notNull())
      .addColumn('stripe_invoice_id', 'text', (c) => c.notNull().unique())
      .addColumn('stripe_customer_id', 'text')
      .addColumn('stripe_subscription_id', 'text')
      .addColumn('number', 'text')
      .addColumn('amount_due_minor', 'bigint', (c) => c.notNull())
      .addColumn('amount_paid_minor', 'bigint', (c) => c.notNull())
      .addColumn('amount_remaining_minor', 'bigint', (c) => c.notNull())
      .addColumn('currency', 'char(3)', (c) => c.notNull())
      .addColumn('status', 'text', (c) => c.notNull())
      .addColumn('period_start', 'timestamptz')
      .addColumn('period_end', 'timestamptz')
      .addColumn('hosted_invoice_url', 'text')
      .addColumn('invoice_pdf', 'text')
      .addColumn('created', 'timestamptz', (c) => c.notNull())
      .addColumn('last_event_created', 'timestamptz', (c) => c.notNull())
      .addColumn('livemode', 'boolean', (c) => c.notNull())
      .execute();
  },

  // A batch reads invoices by stripe_invoice_id (unique, so indexed with the table); the API pages a tenant's.
  async createIndexes(db: ProjectionDb, schema: string) {
    await db.schema.withSchema(schema).createIndex('invoices_tenant_created_idx').ifNotExists().on('invoices').columns(['tenant_id', 'created', 'id']).execute();
  },

  async applyBatch(db, events) {
    const invoiceIds = events.flatMap(({ event }) => (isInvoiceEvent(event) ? [event.data.invoice.id] : []));
    const read = await selectRowsMatching<InvoiceRow>(db, 'invoices', { stripe_invoice_id: invoiceIds });
    const rows = new BatchRows(invoiceKey, read);
    foldInvoices(rows, events.map(({ event }) => event));
    await upsertRows(db, 'invoices', 'id', rows.written());
  },
};
