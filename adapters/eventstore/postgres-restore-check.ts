import { OperatorError } from '../../domain/operator-error.ts';
import type { Queryable } from './postgres-read.ts';

/**
 * The log's transaction ids are ahead of the server's: the database came from another cluster by
 * a logical copy (pg_dump and restore), which keeps the `transaction_id` values but not the
 * cluster's transaction counter. Global readers see only events below the oldest running
 * transaction, so they would see none of these, and new events would sort before all of them.
 */
export class RestoredLogError extends OperatorError {
  override readonly name = 'RestoredLogError';
  /** The highest transaction id in the log. */
  readonly newest: bigint;
  /** The id this server will give its next transaction. */
  readonly next: bigint;
  constructor(
    newest: bigint,
    next: bigint,
  ) {
    const epoch = (newest >> 32n) + 1n;
    super(
      `The event log is ahead of this database server: its newest event has transaction id ${newest}, ` +
        `and the server's next transaction id is ${next}. The database was restored from a logical dump ` +
        `(pg_dump) into another cluster, which does not carry the transaction counter; global readers ` +
        `would see none of the restored events and new events would sort before all of them. ` +
        `Advance the server's transaction counter past ${newest} before starting the ledger: stop the server, ` +
        `run \`pg_resetwal -e ${epoch} -D <its data directory>\` (as its owner), start it again ` +
        `(README, "Backup and restore"); or restore a physical backup (pg_basebackup) instead.`,
    );
    this.newest = newest;
    this.next = next;
  }
}

/**
 * Refuses a log whose highest transaction id is at or beyond the server's next one (DESIGN,
 * "Global order in Postgres", consequence 2). On a log the server wrote itself every stored id was
 * assigned by this server, so it is below the next one. `pg_current_snapshot()` assigns no id,
 * so checking changes nothing; the newest id comes from the (transaction_id, position) index.
 */
export async function refuseLogAheadOfServer(db: Queryable): Promise<void> {
  const { rows } = await db.query<{ newest: string | null; next: string }>(
    `SELECT (SELECT transaction_id FROM events ORDER BY transaction_id DESC LIMIT 1)::text AS newest,
            pg_snapshot_xmax(pg_current_snapshot())::text AS next`,
  );
  const { newest, next } = rows[0]!;
  if (newest !== null && BigInt(newest) >= BigInt(next)) throw new RestoredLogError(BigInt(newest), BigInt(next));
}
