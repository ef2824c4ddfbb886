import { sql, type Kysely } from 'kysely';
import { readEventLogRecord, writeEventLogRecord, type EventLogRecord } from '../../adapters/db/event-log-record.ts';
import type { EventStore } from '../../domain/ports/event-store.ts';

export type EventStoreKind = 'postgres' | 'esdb';

export interface EventLogAdoption {
  /** The log the read models were built from before, when it was another one. */
  readonly replaced: EventLogRecord | null;
  readonly current: EventLogRecord;
}

/**
 * Checkpoints are positions in one log, and a position in another log means nothing (an
 * EventStoreDB position is a byte offset, a Postgres one a transaction id): read models built
 * from the Postgres log and followed on from EventStoreDB would skip or repeat events. So the
 * database records which log its read models came from, identified by the store's kind and its
 * first event (id and position: a copy keeps the ids but not the positions). When that changes,
 * every projection is marked as built by no known version, which is what an upgrade does, so
 * the runner (or `projections rebuild`) rebuilds each from the new log before applying
 * anything, while readers keep the old tables until the swap. Run under the migration lock.
 */
// eslint-disable-next-line @typescript-eslint/no-explicit-any
export async function adoptEventLog(db: Kysely<any>, store: EventStore, storeKind: EventStoreKind): Promise<EventLogAdoption> {
  const [first] = await store.readAll({ limit: 1 });
  const current: EventLogRecord = { storeKind, firstEvent: first ? `${first.id}@${first.position.commit}/${first.position.prepare}` : null };
  const stored = await readEventLogRecord(db);
  // Databases from before this record existed were only ever built from the Postgres log.
  const recorded = stored ?? { storeKind: 'postgres', firstEvent: null };
  const sameLog =
    recorded.storeKind === current.storeKind && (recorded.firstEvent === null || recorded.firstEvent === current.firstEvent);
  if (sameLog || !(await anyEventApplied(db))) {
    if (stored?.storeKind !== current.storeKind || stored.firstEvent !== current.firstEvent) await writeEventLogRecord(db, current);
    return { replaced: null, current };
  }
  await sql`update projection_checkpoints set schema_version = null`.execute(db);
  await writeEventLogRecord(db, current);
  return { replaced: recorded, current };
}

// eslint-disable-next-line @typescript-eslint/no-explicit-any
async function anyEventApplied(db: Kysely<any>): Promise<boolean> {
  const { rows } = await sql<{ applied: boolean }>`
    select exists (select 1 from projection_checkpoints where commit_position <> -1 or prepare_position <> -1) as applied`.execute(db);
  return rows[0]?.applied === true;
}
