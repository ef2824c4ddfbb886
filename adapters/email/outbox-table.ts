import { sql, type Kysely } from 'kysely';
import type { Migration } from 'kysely/migration';

export type EmailOutboxTables = {
  email_outbox: {
    idempotency_key: string;
    message_id: string;
    tenant_id: string | null;
    recipient: string;
    subject: string;
    body: string;
    created_at: Date;
  };
};

/** The local outbox: the embedded default's mail, one row per idempotency key. */
export const emailOutbox: Migration = {
  // eslint-disable-next-line @typescript-eslint/no-explicit-any
  async up(db: Kysely<any>) {
    await db.schema
      .createTable('email_outbox')
      .addColumn('idempotency_key', 'text', (c) => c.primaryKey())
      .addColumn('message_id', 'text', (c) => c.notNull().unique())
      .addColumn('tenant_id', 'uuid')
      .addColumn('recipient', 'text', (c) => c.notNull())
      .addColumn('subject', 'text', (c) => c.notNull())
      .addColumn('body', 'text', (c) => c.notNull())
      .addColumn('created_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
      .execute();
    await db.schema.createIndex('email_outbox_tenant_id').on('email_outbox').columns(['tenant_id', 'created_at']).execute();
  },
};
