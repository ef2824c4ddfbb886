import { sql } from 'kysely';
import type { AnyDb } from '../../adapters/db/database.ts';
import type { GlobalPosition } from '../../domain/ports/event-store.ts';

/*
 * Where `ledger streams copy` has got to, in the ledger's own Postgres database (the embedded
 * store or DATABASE_URL's server, whichever side of the copy it is): one row per pair of stores,
 * written after every page with one statement, so a copy killed at any instant finds the last
 * page it finished. A page written again after a crash is harmless (see `copy-streams.ts`).
 *
 * The command creates the table itself; it belongs in the ledger's one migration list
 * (`adapters/db/migrate.ts`) when that list next changes.
 */

type ProgressTables = {
  stream_copy_progress: {
    copy_key: string;
    commit_position: bigint;
    prepare_position: bigint;
    events_read: bigint;
    events_copied: bigint;
    events_already_in_target: bigint;
    started_at: Date;
    updated_at: Date;
  };
};

export interface SavedProgress {
  /** The source's position the copy has finished (START: nothing yet). */
  readonly position: GlobalPosition;
  /** Events of the source passed so far, over every run of this copy. */
  readonly eventsRead: number;
  readonly eventsCopied: number;
  readonly eventsAlreadyInTarget: number;
  readonly startedAt: Date;
  readonly updatedAt: Date;
}

export interface CopyProgressStore {
  load(): Promise<SavedProgress | null>;
  save(progress: Omit<SavedProgress, 'startedAt' | 'updatedAt'>): Promise<void>;
  /** Forgets the progress: the next run goes through the source from its start. */
  clear(): Promise<void>;
}

const CREATE_TABLE = sql`CREATE TABLE IF NOT EXISTS stream_copy_progress (
  copy_key text PRIMARY KEY,
  commit_position bigint NOT NULL,
  prepare_position bigint NOT NULL,
  events_read bigint NOT NULL,
  events_copied bigint NOT NULL,
  events_already_in_target bigint NOT NULL,
  started_at timestamptz NOT NULL DEFAULT now(),
  updated_at timestamptz NOT NULL DEFAULT now()
)`;

/**
 * The progress of the copy named `key`, which says which stores it goes between: a copy to
 * another target (or from another source) starts afresh instead of trusting this one's position.
 */
export async function openCopyProgress(database: AnyDb, key: string): Promise<CopyProgressStore> {
  await CREATE_TABLE.execute(database);
  const db = database.withTables<ProgressTables>();
  return {
    async load() {
      const row = await db.selectFrom('stream_copy_progress').selectAll().where('copy_key', '=', key).executeTakeFirst();
      if (!row) return null;
      return {
        position: { commit: row.commit_position, prepare: row.prepare_position },
        eventsRead: Number(row.events_read),
        eventsCopied: Number(row.events_copied),
        eventsAlreadyInTarget: Number(row.events_already_in_target),
        startedAt: row.started_at,
        updatedAt: row.updated_at,
      };
    },
    async save(progress) {
      const values = {
        commit_position: progress.position.commit,
        prepare_position: progress.position.prepare,
        events_read: BigInt(progress.eventsRead),
        events_copied: BigInt(progress.eventsCopied),
        events_already_in_target: BigInt(progress.eventsAlreadyInTarget),
        updated_at: new Date(),
      };
      await db
        .insertInto('stream_copy_progress')
        .values({ copy_key: key, ...values, started_at: new Date() })
        .onConflict((oc) => oc.column('copy_key').doUpdateSet(values))
        .execute();
    },
    async clear() {
      await db.deleteFrom('stream_copy_progress').where('copy_key', '=', key).execute();
    },
  };
}
