import pg from 'pg';
import { describeDatabaseError, type DatabaseFailure } from './database-errors.ts';

/** How long the ledger's own connections may wait; 0 nowhere: nothing waits forever. */
export interface DatabaseTimeouts {
  /** Longest a single statement may run (Postgres `statement_timeout`). */
  readonly statementMs: number;
  /** Longest a statement may wait for a lock, e.g. a stream's (Postgres `lock_timeout`). */
  readonly lockMs: number;
  /** A transaction of ours left idle this long is ended by the server (`idle_in_transaction_session_timeout`). */
  readonly idleInTransactionMs: number;
  /** Longest wait to open a connection, or for a free one when the pool is full. */
  readonly connectMs: number;
}

/**
 * Stripe does not publish its delivery timeout; it asks endpoints to answer 2xx quickly and marks
 * slow ones "Timed out" (https://docs.stripe.com/webhooks#acknowledge-events-immediately,
 * https://support.stripe.com/questions/webhooks-how-to-investigate-and-fix-timed-out), and
 * the figures reported for it run from 10 to 30 seconds. A webhook stuck behind a lock gets 503
 * after 2 s, and one that cannot get a connection after 3 s, so Stripe hears back well inside
 * the shortest of those and retries.
 */
export const DEFAULT_DATABASE_TIMEOUTS: DatabaseTimeouts = {
  statementMs: 5_000,
  lockMs: 2_000,
  idleInTransactionMs: 10_000,
  connectMs: 3_000,
};

export interface PoolOptions {
  readonly url: string;
  readonly max: number;
  readonly timeouts: DatabaseTimeouts;
  /** Told about every connection that failed (it is discarded and replaced on demand). */
  readonly onConnectionError?: ((failure: DatabaseFailure) => void) | undefined;
}

/**
 * A pg pool whose connections can fail without taking the process down. pg-pool listens for a
 * client's errors only while the client is idle; while it is checked out (Kysely holds one for
 * a whole transaction, a lease holds one for hours) an error it emits with no listener is an
 * uncaught exception: a terminated backend or a dropped network crashed the server. Every
 * client gets a listener of its own for its whole life. A client that failed is not queryable,
 * and pg-pool discards such a client when it is released instead of lending it again.
 */
export function createPool(options: PoolOptions): pg.Pool {
  const { timeouts } = options;
  const pool = new pg.Pool({
    connectionString: options.url,
    max: options.max,
    connectionTimeoutMillis: timeouts.connectMs,
    // Sent in the startup packet, so they hold from the first statement of every connection.
    statement_timeout: timeouts.statementMs,
    lock_timeout: timeouts.lockMs,
    idle_in_transaction_session_timeout: timeouts.idleInTransactionMs,
    keepAlive: true,
  });
  pool.on('connect', (client) => {
    // A lost connection usually errs twice (the server's FATAL message, then the socket's
    // end): one report per connection.
    let reported = false;
    client.on('error', (error) => {
      if (!reported) options.onConnectionError?.(describeDatabaseError(error));
      reported = true;
    });
  });
  // pg-pool re-emits an idle client's error on the pool after discarding the client; it was
  // already reported by the client's own listener.
  pool.on('error', () => {});
  return pool;
}
