import { sql, type Kysely } from 'kysely';
import type { Migration } from 'kysely/migration';

/**
 * The EventStoreDB adapter's index of event ids, one row per (stream category, event id): why
 * it exists and how it is used are in `adapters/eventstore/esdb/claims.ts`. Created in every
 * database (an unused table costs nothing) so the migration list stays one list whichever
 * store holds the log.
 */
export const esdbEventIdClaims: Migration = {
  // eslint-disable-next-line @typescript-eslint/no-explicit-any
  async up(db: Kysely<any>) {
    await sql`CREATE TABLE esdb_event_id_claims (
      category text NOT NULL,
      event_id uuid NOT NULL,
      stream_name text NOT NULL CHECK (stream_name <> ''),
      state text NOT NULL CHECK (state IN ('pending', 'stored')),
      claim_token uuid NOT NULL,
      attempted_at timestamptz NOT NULL,
      stored_at timestamptz,
      PRIMARY KEY (category, event_id)
    )`.execute(db);
  },
};
