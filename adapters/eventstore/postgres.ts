import type pg from 'pg';
import { START, WrongExpectedRevisionError, comparePositions, type EventStore, type GlobalPosition } from '../../domain/ports/event-store.ts';
import { createGroupCommit } from './postgres-group-commit.ts';
import { selectAll, selectHead, selectStream } from './postgres-read.ts';
import { isTransientPostgresError } from './postgres-transient.ts';
import { startPollingSubscription, type PollBatch } from './polling-subscription.ts';
import {
  checkAppend,
  checkBatchSize,
  checkReadAllOptions,
  checkReadStreamOptions,
  checkStreamName,
} from './validate.ts';
import { createSharedTail } from './shared-tail.ts';
import { storeLifecycle } from './store-lifecycle.ts';
import { listenForAppends, type AppendWakeUps } from './postgres-notifications.ts';

export interface PostgresEventStoreOptions {
  /** How often a caught-up subscription looks for new events (default 25 ms). */
  readonly pollIntervalMs?: number;
  /** Told about each subscription read error that is being retried (for logging). */
  readonly onReadRetry?: (error: unknown, attempt: number, delayMs: number) => void;
  /**
   * Wake subscriptions when an append commits (LISTEN/NOTIFY on a connection of their own),
   * polling only as a fallback. Not for the embedded store: its socket server sends nothing
   * unasked, and it has one connection.
   */
  readonly listen?: boolean;
  /** How often a caught-up subscription polls while notices arrive (default 1 s). */
  readonly idlePollIntervalMs?: number;
  /** Most concurrent appends committed in one transaction (default 100; 1 turns group commit off). */
  readonly maxAppendBatch?: number;
  /** Newest events kept for the subscriptions to share (default 1,000, about two batches; see shared-tail.ts). 0: each reads alone. */
  readonly sharedTailEvents?: number;
}

const DEFAULT_POLL_INTERVAL_MS = 25;
const DEFAULT_IDLE_POLL_INTERVAL_MS = 1_000;
const DEFAULT_BATCH_SIZE = 500;
const DEFAULT_MAX_APPEND_BATCH = 100;
const DEFAULT_APPENDS_IN_FLIGHT = 4;
const DEFAULT_SHARED_TAIL_EVENTS = 1_000;

/**
 * The event store in Postgres tables created by the ledger's migrations (`adapters/db/migrate.ts`). The pool belongs to the
 * caller: `close()` stops this store's subscriptions but leaves the pool open.
 *
 * Every transaction runs on one checked-out client and awaits nothing else while open: the
 * embedded store serialises transactions, so waiting on a second connection would deadlock.
 */
export function createPostgresEventStore(pool: pg.Pool, options: PostgresEventStoreOptions = {}): EventStore {
  const pollIntervalMs = options.pollIntervalMs ?? DEFAULT_POLL_INTERVAL_MS;
  if (!(pollIntervalMs > 0)) throw new RangeError(`pollIntervalMs must be positive, got ${String(pollIntervalMs)}`);
  const lifecycle = storeLifecycle();
  let wakeUps: AppendWakeUps | undefined;
  const ensureOpen = lifecycle.ensureOpen;

  /** A subscription's read on its own: filtered in the database. */
  const readFiltered = async (after: GlobalPosition, limit: number, prefixes: readonly string[] | undefined): Promise<PollBatch> => {
    // Filtered: note the head *before* reading. Every event up to it is already below the
    // horizon, so the read (a later snapshot) sees them all; if it was not cut short by
    // the limit, nothing up to the head is left to find and the next poll starts there.
    const head = prefixes ? await selectHead(pool) : undefined;
    const events = await selectAll(pool, { after, prefixes, limit });
    let scannedTo = events.at(-1)?.position ?? after;
    if (head && events.length < limit && comparePositions(head, scannedTo) > 0) scannedTo = head;
    return { events, scannedTo };
  };
  const tailEvents = options.sharedTailEvents ?? DEFAULT_SHARED_TAIL_EVENTS;
  let tail: { read: (after: GlobalPosition, limit: number, prefixes: readonly string[] | undefined, woken: boolean) => Promise<PollBatch> } | undefined;
  const sharedTail = () =>
    (tail ??=
      tailEvents > 0
        ? createSharedTail({
            readAll: (after, limit) => selectAll(pool, { after, prefixes: undefined, limit }),
            readFiltered,
            capacity: tailEvents,
            fetchSize: Math.min(tailEvents, DEFAULT_BATCH_SIZE),
            notices: appendWakeUps(),
          })
        : { read: readFiltered });
  const appendWakeUps = () => (options.listen ? (wakeUps ??= listenForAppends(pool, { retryMs: pollIntervalMs })) : undefined);
  const groupCommit = createGroupCommit(pool, {
    maxBatch: options.maxAppendBatch ?? DEFAULT_MAX_APPEND_BATCH,
    // Leave connections for reads and projections (the embedded store has one in all).
    maxInFlight: Math.max(1, Math.min(DEFAULT_APPENDS_IN_FLIGHT, Math.floor((pool.options.max ?? 10) / 2))),
  });

  return {
    async append(stream, events, appendOptions = {}) {
      ensureOpen('append');
      const { valid, expected } = checkAppend(stream, events, appendOptions);

      const outcome = await groupCommit({ stream, events: valid, expected });
      if (outcome instanceof WrongExpectedRevisionError) throw outcome;
      const { written: _written, ...result } = outcome;
      return result;
    },

    async readStream(stream, readOptions = {}) {
      ensureOpen('readStream');
      checkStreamName(stream);
      checkReadStreamOptions(stream, readOptions);
      return selectStream(pool, stream, {
        from: readOptions.from,
        backwards: readOptions.direction === 'backwards',
        limit: readOptions.limit,
      });
    },

    async readAll(readOptions = {}) {
      ensureOpen('readAll');
      checkReadAllOptions(readOptions);
      return selectAll(pool, { after: readOptions.after ?? START, prefixes: readOptions.streamPrefixes, limit: readOptions.limit });
    },

    subscribe(subscribeOptions) {
      ensureOpen('subscribe');
      checkReadAllOptions(subscribeOptions);
      const batchSize = subscribeOptions.batchSize ?? DEFAULT_BATCH_SIZE;
      checkBatchSize(batchSize);
      if (typeof subscribeOptions.onBatch !== 'function') throw new TypeError('subscribe: onBatch must be a function');
      const prefixes = subscribeOptions.streamPrefixes;

      const tailOfLog = sharedTail();
      const read = (after: GlobalPosition, limit: number, woken: boolean) => tailOfLog.read(after, limit, prefixes, woken);

      const subscription = startPollingSubscription({
        after: subscribeOptions.after ?? START,
        batchSize,
        onBatch: subscribeOptions.onBatch,
        read,
        isTransient: isTransientPostgresError,
        pollIntervalMs,
        wakeUps: appendWakeUps(),
        idlePollIntervalMs: options.idlePollIntervalMs ?? DEFAULT_IDLE_POLL_INTERVAL_MS,
        onReadRetry: options.onReadRetry,
      });
      return lifecycle.track(subscription);
    },

    async headPosition() {
      ensureOpen('headPosition');
      return selectHead(pool);
    },

    async ping() {
      ensureOpen('ping');
      await pool.query('SELECT 1');
    },

    async close() {
      await lifecycle.close();
      await wakeUps?.close();
    },
  };
}
