import pg from 'pg';
import { APPEND_CHANNEL } from './postgres-schema.ts';

/** Wake-ups on committed appends, for subscriptions that would otherwise poll. */
export interface AppendWakeUps {
  /** `wake` is called after each commit that appended, and after a reconnect (notices may have been missed then). Returns the unsubscribe. */
  subscribe(wake: () => void): () => void;
  /** Notices are arriving: false until the first LISTEN and while reconnecting. */
  listening(): boolean;
  close(): Promise<void>;
}

const MAX_RETRY_MS = 5_000;

/**
 * One connection of its own (a LISTEN holds its session) that listens for `ledger_append`'s
 * notices. Postgres delivers a notice only after its transaction committed, so a woken reader
 * finds the events, unless an older transaction still holds the horizon back (the reader
 * polls for a while after each notice for that). A lost connection is reopened with capped
 * backoff and LISTENs again; meanwhile `listening()` is false and subscriptions poll.
 */
export function listenForAppends(pool: pg.Pool, options: { retryMs: number }): AppendWakeUps {
  const wakers = new Set<() => void>();
  let client: pg.Client | undefined;
  let listening = false;
  let closed = false;
  let failures = 0;
  let retry: NodeJS.Timeout | undefined;

  const wakeAll = () => {
    for (const wake of wakers) wake();
  };

  const lost = (lostClient: pg.Client) => {
    if (client !== lostClient) return;
    client = undefined;
    listening = false;
    lostClient.end().catch(() => {});
    if (closed) return;
    failures += 1;
    const delay = Math.min(MAX_RETRY_MS, options.retryMs * 2 ** failures);
    retry = setTimeout(connect, Math.round(delay / 2 + Math.random() * (delay / 2)));
    retry.unref();
  };

  const connect = () => {
    retry = undefined;
    if (closed) return;
    const attempt = new pg.Client(pool.options);
    client = attempt;
    attempt.on('error', () => lost(attempt));
    attempt.on('end', () => lost(attempt));
    attempt.on('notification', wakeAll);
    attempt
      .connect()
      .then(() => attempt.query(`LISTEN ${APPEND_CHANNEL}`))
      .then(() => {
        if (client !== attempt) return;
        listening = true;
        failures = 0;
        wakeAll();
      })
      .catch(() => lost(attempt));
  };

  return {
    subscribe(wake) {
      if (!client && !retry && !closed) connect();
      wakers.add(wake);
      return () => wakers.delete(wake);
    },
    listening: () => listening,
    async close() {
      closed = true;
      listening = false;
      clearTimeout(retry);
      const open = client;
      client = undefined;
      await open?.end().catch(() => {});
    },
  };
}
