import { sql } from 'kysely';
import type { Kysely } from 'kysely';
import { START, type GlobalPosition } from '../../domain/ports/event-store.ts';
import { describeError } from '../describe-error.ts';

type CheckpointTables = {
  projection_checkpoints: {
    name: string;
    commit_position: bigint;
    prepare_position: bigint;
    events_applied: bigint;
    last_error: string | null;
    last_error_at: Date | null;
    updated_at: Date;
    schema_version: number | null;
  };
};

// eslint-disable-next-line @typescript-eslint/no-explicit-any
type Db = Kysely<any>;
const table = (db: Db) => db.withTables<CheckpointTables>();

export interface Checkpoint {
  readonly name: string;
  readonly position: GlobalPosition;
  readonly eventsApplied: bigint;
  readonly lastError: string | null;
  readonly lastErrorAt: Date | null;
  readonly updatedAt: Date | null;
  /** Version of the code that built the tables; null when no row exists or it predates versions. */
  readonly schemaVersion: number | null;
  /** False when the projection has no checkpoint row yet. */
  readonly exists: boolean;
}

export async function readCheckpoint(db: Db, name: string, options: { forUpdate?: boolean } = {}): Promise<Checkpoint> {
  let query = table(db).selectFrom('projection_checkpoints').selectAll().where('name', '=', name);
  if (options.forUpdate) query = query.forUpdate();
  const row = await query.executeTakeFirst();
  if (!row) return { name, position: START, eventsApplied: 0n, lastError: null, lastErrorAt: null, updatedAt: null, schemaVersion: null, exists: false };
  return {
    name,
    position: { commit: row.commit_position, prepare: row.prepare_position },
    eventsApplied: row.events_applied,
    lastError: row.last_error,
    lastErrorAt: row.last_error_at,
    updatedAt: row.updated_at,
    schemaVersion: row.schema_version,
    exists: true,
  };
}

export async function ensureCheckpointRow(db: Db, name: string, schemaVersion: number | null = null): Promise<void> {
  await table(db)
    .insertInto('projection_checkpoints')
    .values({
      name,
      commit_position: START.commit,
      prepare_position: START.prepare,
      events_applied: 0n,
      last_error: null,
      last_error_at: null,
      updated_at: new Date(),
      schema_version: schemaVersion,
    })
    .onConflict((oc) => oc.column('name').doNothing())
    .execute();
}

export async function advanceCheckpoint(db: Db, name: string, position: GlobalPosition, applied: number): Promise<void> {
  await table(db)
    .updateTable('projection_checkpoints')
    .set({
      commit_position: position.commit,
      prepare_position: position.prepare,
      events_applied: sql`events_applied + ${applied}`,
      last_error: null,
      last_error_at: null,
      updated_at: sql`now()`,
    })
    .where('name', '=', name)
    .execute();
}

/** Puts a checkpoint where a rebuild left its tables, with the version that built them. */
export async function setCheckpoint(db: Db, name: string, position: GlobalPosition, eventsApplied: bigint, schemaVersion: number): Promise<void> {
  await ensureCheckpointRow(db, name);
  await table(db)
    .updateTable('projection_checkpoints')
    .set({
      commit_position: position.commit,
      prepare_position: position.prepare,
      events_applied: eventsApplied,
      schema_version: schemaVersion,
      last_error: null,
      last_error_at: null,
      updated_at: sql`now()`,
    })
    .where('name', '=', name)
    .execute();
}

export async function recordCheckpointError(db: Db, name: string, error: unknown): Promise<void> {
  await ensureCheckpointRow(db, name);
  await table(db)
    .updateTable('projection_checkpoints')
    .set({ last_error: describeError(error).message, last_error_at: sql`now()` })
    .where('name', '=', name)
    .execute();
}

export async function deleteCheckpoint(db: Db, name: string): Promise<void> {
  await table(db).deleteFrom('projection_checkpoints').where('name', '=', name).execute();
}
