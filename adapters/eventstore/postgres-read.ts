import type pg from 'pg';
import { START, type GlobalPosition, type Json, type RecordedEvent } from '../../domain/ports/event-store.ts';

/** Anything that runs a query: the pool (reads need no transaction) or a client. */
export type Queryable = Pick<pg.Pool, 'query'>;

interface EventRow {
  global_position: bigint;
  /**
   * xid8 has no type parser in `pg`, so it is sent as text. The alias must differ from the
   * column: ORDER BY prefers an output column's name, and text sorts '10' before '9'.
   */
  transaction_text: string;
  stream_name: string;
  stream_revision: bigint;
  event_id: string;
  event_type: string;
  data: Json;
  metadata: { [key: string]: Json };
  recorded_at: Date;
}

const COLUMNS = `global_position, transaction_id::text AS transaction_text, stream_name, stream_revision,
  event_id::text AS event_id, event_type, data, metadata, recorded_at`;

/**
 * Only transactions older than the oldest one still running are read: everything below that
 * horizon has committed or aborted for good, so no event can later appear behind a position a
 * reader has passed. `pg_current_snapshot()` is the statement's snapshot, so the horizon and
 * the rows read agree.
 */
export const HORIZON = 'pg_snapshot_xmin(pg_current_snapshot())';
const VISIBLE = `transaction_id < ${HORIZON}`;

function toEvent(row: EventRow): RecordedEvent {
  return {
    id: row.event_id,
    type: row.event_type,
    streamName: row.stream_name,
    revision: row.stream_revision,
    position: { commit: BigInt(row.transaction_text), prepare: row.global_position },
    data: row.data,
    metadata: row.metadata,
    recordedAt: row.recorded_at,
  };
}

export async function selectStream(
  db: Queryable,
  stream: string,
  options: { from: bigint | undefined; backwards: boolean; limit: number | undefined },
): Promise<RecordedEvent[]> {
  const params: unknown[] = [stream];
  let where = 'stream_name = $1';
  if (options.from !== undefined) {
    params.push(String(options.from));
    where += ` AND stream_revision ${options.backwards ? '<=' : '>='} $2::bigint`;
  }
  let sql = `SELECT ${COLUMNS} FROM events WHERE ${where} ORDER BY stream_revision ${options.backwards ? 'DESC' : 'ASC'}`;
  if (options.limit !== undefined) sql += ` LIMIT ${options.limit}`;
  const result = await db.query<EventRow>(sql, params);
  return result.rows.map(toEvent);
}

/** `%`, `_` and the escape character itself are literal in a stream prefix. */
function likePrefix(prefix: string): string {
  return `${prefix.replace(/[\\%_]/g, (char) => `\\${char}`)}%`;
}

/**
 * Conditions on the global log for "strictly after `after`, in one of `prefixes`", with their
 * parameters appended to `params`. They keep to the (transaction_id, global_position) index and,
 * for each prefix, the text_pattern_ops index.
 */
export function afterAndPrefixes(after: GlobalPosition, prefixes: readonly string[] | undefined, params: unknown[]): string[] {
  const where: string[] = [];
  // xid8 has no negative values: START (-1, -1) means "no lower bound".
  if (after.commit >= 0n) {
    params.push(String(after.commit), String(after.prepare));
    where.push(`(transaction_id, global_position) > ($${params.length - 1}::xid8, $${params.length}::bigint)`);
  }
  if (prefixes) {
    // One LIKE per prefix (not LIKE ANY) so each can use the text_pattern_ops index.
    const likes = prefixes.map((prefix) => {
      params.push(likePrefix(prefix));
      return `stream_name LIKE $${params.length}`;
    });
    where.push(`(${likes.join(' OR ')})`);
  }
  return where;
}

export async function selectAll(
  db: Queryable,
  options: { after: GlobalPosition; prefixes: readonly string[] | undefined; limit: number | undefined },
): Promise<RecordedEvent[]> {
  const params: unknown[] = [];
  const where = [VISIBLE, ...afterAndPrefixes(options.after, options.prefixes, params)];
  let sql = `SELECT ${COLUMNS} FROM events WHERE ${where.join(' AND ')} ORDER BY transaction_id, global_position`;
  if (options.limit !== undefined) sql += ` LIMIT ${options.limit}`;
  const result = await db.query<EventRow>(sql, params);
  return result.rows.map(toEvent);
}

/** The newest position below the visibility horizon, START when there is none. */
export async function selectHead(db: Queryable): Promise<GlobalPosition> {
  const result = await db.query<{ transaction_text: string; global_position: bigint }>(
    `SELECT transaction_id::text AS transaction_text, global_position FROM events WHERE ${VISIBLE}
      ORDER BY transaction_id DESC, global_position DESC LIMIT 1`,
  );
  const row = result.rows[0];
  return row ? { commit: BigInt(row.transaction_text), prepare: row.global_position } : START;
}
