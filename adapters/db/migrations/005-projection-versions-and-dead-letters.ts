import { sql, type Kysely } from 'kysely';
import type { Migration } from 'kysely/migration';

export const projectionVersionsAndDeadLetters: Migration = {
  // eslint-disable-next-line @typescript-eslint/no-explicit-any
  async up(db: Kysely<any>) {
    // The version of the code that built a projection's tables; null for tables built before
    // versions were kept, which therefore count as outdated and are rebuilt once.
    await db.schema.alterTable('projection_checkpoints').addColumn('schema_version', 'integer').execute();

    // Events a projection could not apply after its retries, set aside so that the events
    // behind them go on: one row per projection (checkpoint name) and event while unresolved.
    await db.schema
      .createTable('projection_dead_letters')
      .addColumn('id', 'bigint', (c) => c.primaryKey().generatedAlwaysAsIdentity())
      .addColumn('projection', 'text', (c) => c.notNull())
      .addColumn('event_id', 'uuid', (c) => c.notNull())
      .addColumn('stream_name', 'text', (c) => c.notNull())
      .addColumn('stream_revision', 'bigint', (c) => c.notNull())
      .addColumn('commit_position', 'bigint', (c) => c.notNull())
      .addColumn('prepare_position', 'bigint', (c) => c.notNull())
      .addColumn('event_type', 'text', (c) => c.notNull())
      .addColumn('error', 'text', (c) => c.notNull())
      .addColumn('error_code', 'text')
      .addColumn('attempts', 'integer', (c) => c.notNull())
      .addColumn('first_seen', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
      .addColumn('last_seen', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
      .addColumn('resolved_at', 'timestamptz')
      .execute();
    await sql`CREATE UNIQUE INDEX projection_dead_letters_open_key ON projection_dead_letters (projection, event_id) WHERE resolved_at IS NULL`.execute(db);
  },
};
