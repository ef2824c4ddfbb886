import { sql, type Kysely } from 'kysely';
import type { GlobalPosition, RecordedEvent } from '../../domain/ports/event-store.ts';
import { describeError } from '../describe-error.ts';

type DeadLetterTables = {
  projection_dead_letters: {
    id: bigint;
    projection: string;
    event_id: string;
    stream_name: string;
    stream_revision: bigint;
    commit_position: bigint;
    prepare_position: bigint;
    event_type: string;
    error: string;
    error_code: string | null;
    attempts: number;
    first_seen: Date;
    last_seen: Date;
    resolved_at: Date | null;
  };
};

// eslint-disable-next-line @typescript-eslint/no-explicit-any
type Db = Kysely<any>;
const table = (db: Db) => db.withTables<DeadLetterTables>();

/** An event a projection set aside: it could not apply it after its retries. */
export interface DeadLetter {
  readonly id: bigint;
  /** The projection's checkpoint name: its own name, or a rebuild's while one runs. */
  readonly projection: string;
  readonly eventId: string;
  readonly stream: string;
  readonly revision: bigint;
  readonly position: GlobalPosition;
  readonly eventType: string;
  /** Why it failed, without event content (see describeError). */
  readonly error: string;
  readonly errorCode: string | null;
  readonly attempts: number;
  readonly firstSeen: Date;
  readonly lastSeen: Date;
  readonly resolvedAt: Date | null;
}

/**
 * Sets an event aside for a projection, inside the transaction that moves its checkpoint past it.
 * Setting aside the same event again (a rebuild meets it too) adds to its attempts.
 */
export async function recordDeadLetter(trx: Db, projection: string, event: RecordedEvent, error: unknown, attempts: number): Promise<void> {
  const { message, code } = describeError(error);
  await table(trx)
    .insertInto('projection_dead_letters')
    .values({
      projection,
      event_id: event.id,
      stream_name: event.streamName,
      stream_revision: event.revision,
      commit_position: event.position.commit,
      prepare_position: event.position.prepare,
      event_type: event.type,
      error: message,
      error_code: code,
      attempts,
    })
    .onConflict((oc) =>
      oc
        .columns(['projection', 'event_id'])
        .where('resolved_at', 'is', null)
        .doUpdateSet({
          attempts: sql`projection_dead_letters.attempts + excluded.attempts`,
          error: sql.ref('excluded.error'),
          error_code: sql.ref('excluded.error_code'),
          last_seen: sql`now()`,
        }),
    )
    .execute();
}

/** A retry that failed again: counted, with its error. */
export async function recordRetryFailure(db: Db, id: bigint, error: unknown): Promise<void> {
  const { message, code } = describeError(error);
  await table(db)
    .updateTable('projection_dead_letters')
    .set({ attempts: sql`attempts + 1`, error: message, error_code: code, last_seen: sql`now()` })
    .where('id', '=', id)
    .execute();
}

export async function resolveDeadLetter(trx: Db, id: bigint): Promise<void> {
  await table(trx).updateTable('projection_dead_letters').set({ resolved_at: sql`now()` }).where('id', '=', id).execute();
}

/** Set-aside events in log order; only unresolved ones unless `includeResolved`. */
export async function listDeadLetters(db: Db, options: { projection?: string; includeResolved?: boolean } = {}): Promise<DeadLetter[]> {
  let query = table(db).selectFrom('projection_dead_letters').selectAll();
  if (options.projection !== undefined) query = query.where('projection', '=', options.projection);
  if (!options.includeResolved) query = query.where('resolved_at', 'is', null);
  const rows = await query.orderBy('commit_position').orderBy('prepare_position').orderBy('id').execute();
  return rows.map((row) => ({
    id: row.id,
    projection: row.projection,
    eventId: row.event_id,
    stream: row.stream_name,
    revision: row.stream_revision,
    position: { commit: row.commit_position, prepare: row.prepare_position },
    eventType: row.event_type,
    error: row.error,
    errorCode: row.error_code,
    attempts: row.attempts,
    firstSeen: row.first_seen,
    lastSeen: row.last_seen,
    resolvedAt: row.resolved_at,
  }));
}

/** Unresolved set-aside events per projection (checkpoint name). */
export async function countOpenDeadLetters(db: Db): Promise<Map<string, number>> {
  const rows = await table(db)
    .selectFrom('projection_dead_letters')
    .select(['projection', sql<bigint>`count(*)`.as('n')])
    .where('resolved_at', 'is', null)
    .groupBy('projection')
    .execute();
  return new Map(rows.map((row) => [row.projection, Number(row.n)]));
}

/**
 * When rebuilt tables replace the live ones, what the rebuild set aside replaces what the live
 * tables had set aside: those events' effects (or their absence) are now the rebuild's.
 */
export async function moveDeadLetters(trx: Db, from: string, to: string): Promise<void> {
  await table(trx).deleteFrom('projection_dead_letters').where('projection', '=', to).where('resolved_at', 'is', null).execute();
  await table(trx).updateTable('projection_dead_letters').set({ projection: to }).where('projection', '=', from).execute();
}

/** Forgets what an abandoned rebuild set aside. */
export async function discardDeadLetters(db: Db, projection: string): Promise<void> {
  await table(db).deleteFrom('projection_dead_letters').where('projection', '=', projection).execute();
}
