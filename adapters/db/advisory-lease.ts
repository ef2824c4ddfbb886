import { setTimeout as sleep } from 'node:timers/promises';
import type pg from 'pg';

/** Exclusive right to run one worker, held until released or lost with its connection. */
export interface Lease {
  /** Resolves if the lease is lost (its connection failed): the holder must stop at once. */
  readonly lost: Promise<void>;
  release(): Promise<void>;
}

export interface LeaseProvider {
  /** Waits until the lease on `name` is held; resolves null if `signal` aborts first. */
  acquire(name: string, signal: AbortSignal): Promise<Lease | null>;
}

/**
 * Leases as Postgres session advisory locks, each held on a connection of its own: the server
 * frees the lock when that connection ends, so a crashed instance never keeps a lease. A
 * heartbeat notices a connection that died quietly.
 */
export function createAdvisoryLeases(pool: pg.Pool, options: { retryMs?: number; heartbeatMs?: number } = {}): LeaseProvider {
  const retryMs = options.retryMs ?? 2000;
  const heartbeatMs = options.heartbeatMs ?? 10_000;
  const key = (name: string) => `ledger-lease:${name}`;
  return {
    async acquire(name, signal) {
      while (!signal.aborted) {
        let client: pg.PoolClient | undefined;
        try {
          client = await pool.connect();
          const { rows } = await client.query<{ held: boolean }>('select pg_try_advisory_lock(hashtext($1)) as held', [key(name)]);
          if (rows[0]?.held) return holdLease(client, key(name), heartbeatMs);
          client.release();
        } catch {
          client?.release(true);
        }
        await sleep(retryMs, undefined, { signal }).catch(() => {});
      }
      return null;
    },
  };
}

function holdLease(client: pg.PoolClient, key: string, heartbeatMs: number): Lease {
  let markLost!: () => void;
  const lost = new Promise<void>((resolve) => (markLost = resolve));
  let broken = false;
  const onError = () => {
    broken = true;
    markLost();
  };
  client.on('error', onError);
  const heartbeat = setInterval(() => client.query('select 1').catch(onError), heartbeatMs);
  heartbeat.unref();
  return {
    lost,
    async release() {
      clearInterval(heartbeat);
      client.off('error', onError);
      if (broken) return client.release(true);
      try {
        await client.query('select pg_advisory_unlock(hashtext($1))', [key]);
        client.release();
      } catch {
        client.release(true);
      }
    },
  };
}
