import { sql, type Kysely } from 'kysely';
import type { Migration } from 'kysely/migration';

export const eventLog: Migration = {
  // eslint-disable-next-line @typescript-eslint/no-explicit-any
  async up(db: Kysely<any>) {
    // Which log the read models and checkpoints were built from: one row. Positions mean nothing
    // in another log, so a change of log is noticed here and the read models rebuilt.
    await db.schema
      .createTable('event_log')
      .addColumn('id', 'boolean', (c) => c.primaryKey().defaultTo(true).check(sql`id`))
      .addColumn('store_kind', 'text', (c) => c.notNull())
      .addColumn('first_event', 'text')
      .addColumn('adopted_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
      .execute();
  },
};
