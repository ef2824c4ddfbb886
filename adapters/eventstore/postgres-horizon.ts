import type { GlobalPosition } from '../../domain/ports/event-store.ts';
import { afterAndPrefixes, HORIZON, type Queryable } from './postgres-read.ts';

/**
 * Diagnostics of the visibility horizon (DESIGN, "Global order in Postgres", consequence 2):
 * global readers see only events whose transaction is older than the oldest transaction still
 * running anywhere on the server, so one long write transaction, in any database, holds every
 * projection back. These say how much is waiting and who is holding it.
 */

/** The transaction the horizon waits for. */
export interface HorizonHolder {
  readonly pid: number;
  readonly database: string | null;
  /** `active`, `idle in transaction`, ... */
  readonly state: string | null;
  readonly applicationName: string | null;
  /** Seconds since its transaction started. */
  readonly transactionSeconds: number | null;
}

export interface VisibilityHorizon {
  /** Committed events global readers cannot see yet: transaction id at or above the horizon. */
  readonly notYetVisible: number;
  /**
   * The session whose transaction is the horizon, or null when no transaction holds it, when it
   * is a prepared transaction (no session: see `pg_prepared_xacts`), or when this role cannot
   * see that session. pg_stat_activity hides other roles' sessions' transaction ids
   * except from superusers and members of `pg_read_all_stats` (which `pg_monitor` includes):
   * `GRANT pg_monitor TO <the ledger's role>` to see holders in other databases and roles.
   */
  readonly holder: HorizonHolder | null;
}

export async function readVisibilityHorizon(db: Queryable): Promise<VisibilityHorizon> {
  // One statement, so the count and the holder are of one snapshot. The horizon is the oldest
  // running transaction id, which is a backend's `backend_xid` (a 32-bit xid; the cast keeps
  // the low 32 bits of the xid8). A read-only transaction has no id and holds nothing back.
  const { rows } = await db.query<{
    not_yet_visible: bigint;
    pid: number | null;
    datname: string | null;
    state: string | null;
    application_name: string | null;
    transaction_seconds: number | null;
  }>(
    `WITH horizon AS (SELECT ${HORIZON} AS xid)
     SELECT (SELECT count(*) FROM events, horizon WHERE transaction_id >= horizon.xid) AS not_yet_visible,
            a.pid, a.datname, a.state, a.application_name,
            extract(epoch FROM clock_timestamp() - a.xact_start)::float8 AS transaction_seconds
       FROM horizon
       LEFT JOIN pg_stat_activity a ON a.backend_xid = horizon.xid::xid
      ORDER BY a.leader_pid IS NOT NULL -- a parallel query's leader, not its workers
      LIMIT 1`,
  );
  const row = rows[0]!;
  return {
    notYetVisible: Number(row.not_yet_visible),
    holder:
      row.pid === null
        ? null
        : {
            pid: row.pid,
            database: row.datname,
            state: row.state,
            applicationName: row.application_name,
            transactionSeconds: row.transaction_seconds,
          },
  };
}

export interface EventsAfter {
  /** Events after the position that global readers can see now, at most the cap. */
  readonly visible: number;
  /** Committed events global readers cannot see yet, at most the cap. */
  readonly notYetVisible: number;
}

/**
 * How many events of `streamPrefixes` (all when omitted) lie after `after`, split by whether
 * global readers see them yet: a projection's lag, counting what waits behind the horizon.
 * Each count stops at `cap`, so a far-behind projection costs no more than a near one; both
 * walk the (transaction_id, global_position) index from their lower bound.
 */
export async function countEventsAfter(
  db: Queryable,
  options: { after: GlobalPosition; streamPrefixes?: readonly string[] | undefined; cap: number },
): Promise<EventsAfter> {
  if (!Number.isSafeInteger(options.cap) || options.cap < 0) throw new RangeError(`cap must be a non-negative integer, got ${String(options.cap)}`);
  const params: unknown[] = [];
  const filters = afterAndPrefixes(options.after, options.streamPrefixes, params);
  const prefixOnly = afterAndPrefixes({ commit: -1n, prepare: -1n }, options.streamPrefixes, params);
  params.push(options.cap);
  const cap = `$${params.length}`;
  const and = (conditions: string[]) => conditions.map((condition) => ` AND ${condition}`).join('');
  // Events at or above the horizon are after any position a reader has reached.
  const { rows } = await db.query<{ visible: bigint; not_yet_visible: bigint }>(
    `SELECT
       (SELECT count(*) FROM (SELECT 1 FROM events WHERE transaction_id < ${HORIZON}${and(filters)} LIMIT ${cap}) v) AS visible,
       (SELECT count(*) FROM (SELECT 1 FROM events WHERE transaction_id >= ${HORIZON}${and(prefixOnly)} LIMIT ${cap}) p) AS not_yet_visible`,
    params,
  );
  return { visible: Number(rows[0]!.visible), notYetVisible: Number(rows[0]!.not_yet_visible) };
}
