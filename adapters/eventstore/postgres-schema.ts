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

/**
 * The category of a stream name in SQL: the name up to its first `-`, the whole name if it has
 * none (`split_part` returns the whole string then). `tenant-<id>` is in `tenant`, `unrouted`
 * in `unrouted`. The one definition, used by the append and by the backfill below.
 */
export const categoryOf = (streamName: string) => `split_part(${streamName}, '-', 1)`;

/**
 * An event id is unique within its stream's category (the port's `append` says why): the first
 * stream of a category to append an id claims it here, in the append's own transaction, and an
 * id already claimed is a duplicate wherever the claim is. The primary key makes two streams
 * appending one id at once race-free: the second waits on the first's uncommitted claim and
 * finds it taken once the first commits.
 *
 * Logs written before this rule could hold an id in two streams of one category (an event
 * routed to a tenant, then redelivered to another). The log is immutable, so such copies stay;
 * the first copy in log order (transaction id, position) gets the claim, the later ones none,
 * and a redelivery to any of those streams is a duplicate from now on.
 */
export const eventIdClaims: Migration = {
  // eslint-disable-next-line @typescript-eslint/no-explicit-any
  async up(db: Kysely<any>) {
    await sql.raw(`CREATE TABLE event_id_claims (
       category text NOT NULL,
       event_id uuid NOT NULL,
       stream_name text NOT NULL,
       PRIMARY KEY (category, event_id)
     )`).execute(db);
    await sql.raw(`INSERT INTO event_id_claims (category, event_id, stream_name)
       SELECT DISTINCT ON (${categoryOf('stream_name')}, event_id) ${categoryOf('stream_name')}, event_id, stream_name
         FROM events
        ORDER BY ${categoryOf('stream_name')}, event_id, transaction_id, global_position`).execute(db);
  },
};
