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
/** The channel every committed append notifies (LISTEN/NOTIFY), so subscribers wake without polling. */
export const APPEND_CHANNEL = 'ledger_events';

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

/**
 * The whole append as one server-side call, for one or many appends (group commit): one round
 * trip instead of eight, and one transaction and one commit for every append in the batch.
 *
 * Every stream's lock is taken first, before any write, in lock-key order: DESIGN's consequence
 * 1 (the transaction id comes from the first write, and ids must follow lock order), and two
 * batches locking overlapping streams queue instead of deadlocking. The appends then run in
 * the caller's order, each seeing the ones before it, so several appends to one stream in one
 * batch get consecutive revisions and an expected revision is checked exactly.
 *
 * A conflict writes nothing and is returned, not raised, so it fails only its own append: the
 * check comes before the event ids are claimed. A conflicting append whose ids are all already
 * claimed is a redelivery, which succeeds whatever the expected revision; a claim another
 * transaction has not committed yet does not count (its append is ordered after this one).
 *
 * Input: [{stream, expected: 'any'|'no_stream'|'stream_exists'|'<revision>', events: [{id, type,
 * data, metadata}]}]. Output, per append: {revision, conflict: true} or {revision, fresh: [ids
 * appended]}. Committing a batch that wrote notifies `ledger_events`, which wakes subscribers.
 */
const appendFunction = `CREATE OR REPLACE FUNCTION ledger_append(appends jsonb) RETURNS jsonb
LANGUAGE plpgsql AS $fn$
DECLARE
  v_key bigint;
  v_item jsonb;
  v_stream text;
  v_category text;
  v_events jsonb;
  v_ids uuid[];
  v_current bigint;
  v_conflict boolean;
  v_fresh uuid[];
  v_count bigint;
  v_results jsonb := '[]'::jsonb;
  v_wrote boolean := false;
BEGIN
  FOR v_key IN SELECT DISTINCT hashtextextended(a->>'stream', 0) FROM jsonb_array_elements(appends) AS a ORDER BY 1 LOOP
    PERFORM pg_advisory_xact_lock(v_key);
  END LOOP;
  FOR v_item IN SELECT a FROM jsonb_array_elements(appends) WITH ORDINALITY AS x(a, ord) ORDER BY ord LOOP
    v_stream := v_item->>'stream';
    v_category := ${categoryOf('v_stream')};
    v_events := v_item->'events';
    v_ids := ARRAY(SELECT DISTINCT (e->>'id')::uuid FROM jsonb_array_elements(v_events) AS e);
    SELECT revision INTO v_current FROM streams WHERE stream_name = v_stream;
    v_current := coalesce(v_current, -1);
    v_conflict := CASE v_item->>'expected'
         WHEN 'any' THEN false
         WHEN 'no_stream' THEN v_current <> -1
         WHEN 'stream_exists' THEN v_current = -1
         ELSE v_current <> (v_item->>'expected')::bigint END;
    IF v_conflict THEN
      IF jsonb_array_length(v_events) > 0 AND NOT EXISTS (
           SELECT 1 FROM unnest(v_ids) AS id
            WHERE NOT EXISTS (SELECT 1 FROM event_id_claims c WHERE c.category = v_category AND c.event_id = id)) THEN
        v_results := v_results || jsonb_build_array(jsonb_build_object('revision', v_current::text, 'fresh', '[]'::jsonb));
      ELSE
        v_results := v_results || jsonb_build_array(jsonb_build_object('revision', v_current::text, 'conflict', true));
      END IF;
      CONTINUE;
    END IF;
    -- Claims in id order, so two appends sharing several ids queue instead of deadlocking; an
    -- id another transaction is claiming is waited for: taken if it commits, ours if it aborts.
    WITH claimed AS (
      INSERT INTO event_id_claims (category, event_id, stream_name)
      SELECT v_category, id, v_stream FROM unnest(v_ids) AS id ORDER BY id
      ON CONFLICT (category, event_id) DO NOTHING
      RETURNING event_id)
    SELECT coalesce(array_agg(event_id), '{}') INTO v_fresh FROM claimed;
    -- The first occurrence of each claimed id, in the caller's order: ORDER BY gives revisions
    -- and global positions in that order.
    INSERT INTO events (stream_name, stream_revision, event_id, event_type, data, metadata)
    SELECT v_stream, v_current + row_number() OVER (ORDER BY f.ord), f.id, f.e->>'type', f.e->'data', coalesce(f.e->'metadata', '{}'::jsonb)
      FROM (SELECT DISTINCT ON ((e->>'id')::uuid) (e->>'id')::uuid AS id, e, ord
              FROM jsonb_array_elements(v_events) WITH ORDINALITY AS x(e, ord)
             ORDER BY (e->>'id')::uuid, ord) AS f
     WHERE f.id = ANY(v_fresh)
     ORDER BY f.ord;
    GET DIAGNOSTICS v_count = ROW_COUNT;
    IF v_count > 0 THEN
      INSERT INTO streams (stream_name, revision) VALUES (v_stream, v_current + v_count)
        ON CONFLICT (stream_name) DO UPDATE SET revision = EXCLUDED.revision;
      v_wrote := true;
    END IF;
    v_results := v_results || jsonb_build_array(jsonb_build_object('revision', (v_current + v_count)::text, 'fresh', to_jsonb(v_fresh)));
  END LOOP;
  IF v_wrote THEN PERFORM pg_notify('${APPEND_CHANNEL}', ''); END IF;
  RETURN v_results;
END
$fn$`;

export const eventStoreAppendFunction: Migration = {
  // eslint-disable-next-line @typescript-eslint/no-explicit-any
  async up(db: Kysely<any>) {
    await sql.raw(appendFunction).execute(db);
  },
};
