import { sql, type Kysely } from 'kysely';
import type { Migration } from 'kysely/migration';

/**
 * The event store's tables, as the first of its migrations in the ledger's one migration list
 * (`adapters/db/migrate.ts`). `IF NOT EXISTS` because databases created before the list existed
 * already hold these tables, made by the same statements.
 *
 * `transaction_id` is what makes the global log safe to follow: readers order and checkpoint by
 * (transaction_id, global_position) and read only transactions older than the oldest one still
 * running, so an event whose transaction commits late is never skipped (DESIGN, "Global order in
 * Postgres"). `global_position` alone is not commit order.
 */
const statements = [
  `CREATE TABLE IF NOT EXISTS events (
     global_position bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
     transaction_id xid8 NOT NULL DEFAULT pg_current_xact_id(),
     stream_name text NOT NULL CHECK (stream_name <> ''),
     stream_revision bigint NOT NULL CHECK (stream_revision >= 0),
     event_id uuid NOT NULL,
     event_type text NOT NULL CHECK (event_type <> ''),
     data jsonb NOT NULL,
     metadata jsonb NOT NULL DEFAULT '{}'::jsonb,
     recorded_at timestamptz NOT NULL DEFAULT now(),
     CONSTRAINT events_stream_revision_key UNIQUE (stream_name, stream_revision),
     CONSTRAINT events_stream_event_id_key UNIQUE (stream_name, event_id)
   )`,
  // The global reader's order and checkpoint.
  `CREATE INDEX IF NOT EXISTS events_transaction_position_idx ON events (transaction_id, global_position)`,
  // Prefix filters (`stream_name LIKE 'tenant-%'`) whatever the database's collation.
  `CREATE INDEX IF NOT EXISTS events_stream_name_pattern_idx ON events (stream_name text_pattern_ops)`,
  // One row per stream: its last revision (-1: no events yet).
  `CREATE TABLE IF NOT EXISTS streams (
     stream_name text PRIMARY KEY CHECK (stream_name <> ''),
     revision bigint NOT NULL CHECK (revision >= -1)
   )`,
];

export const eventStoreTables: Migration = {
  // eslint-disable-next-line @typescript-eslint/no-explicit-any
  async up(db: Kysely<any>) {
    for (const statement of statements) await sql.raw(statement).execute(db);
  },
};
