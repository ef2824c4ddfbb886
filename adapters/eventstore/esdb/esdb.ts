import type pg from 'pg';
import {
  EventTooLargeError,
  START,
  WrongExpectedRevisionError,
  comparePositions,
  type EventStore,
  type ExpectedRevision,
} from '../../../domain/ports/event-store.ts';
import {
  checkAppend,
  checkBatchSize,
  checkReadAllOptions,
  checkReadStreamOptions,
  checkStreamName,
} from '../validate.ts';
import { DEFAULT_MAX_APPEND_BYTES, appendSize } from './append-size.ts';
import { claimEventIds, type ClaimSettings, type ClaimedLog } from './claims.ts';
import { connectEsdb, type EsdbClient } from './client.ts';
import { startResubscribingSubscription, type Resubscribed, type SubscriptionDropped } from './subscription.ts';
import { storeLifecycle } from '../store-lifecycle.ts';

export interface EsdbEventStoreOptions {
  /** `esdb://host:2113?tls=false` and the like (`kurrentdb://` is taken too). */
  readonly connectionString: string;
  /** The ledger's Postgres, which holds the index of event ids (`esdb_event_id_claims`). Belongs to the caller. */
  readonly pool: pg.Pool;
  /** Told about each dropped subscription connection (and each failed attempt to subscribe again). */
  readonly onSubscriptionDropped?: ((info: SubscriptionDropped) => void) | undefined;
  /** Told when a subscription holds again after drops. */
  readonly onResubscribed?: ((info: Resubscribed) => void) | undefined;
  /** The server's `MaxAppendSize`; larger appends are refused here with `EventTooLargeError` (default 1 MiB). */
  readonly maxAppendBytes?: number | undefined;
  /** How long an append may take before it is given up, its outcome unknown (default 5 s). */
  readonly appendDeadlineMs?: number | undefined;
  /**
   * How old another call's pending claim on an event id must be before its absence from the
   * log is trusted and the id appended again (default 15 s; at least three append deadlines).
   * See `claims.ts`.
   */
  readonly claimInDoubtMs?: number | undefined;
  /** How long an append waits for another call's pending claims before it fails (default 2 s). */
  readonly claimWaitMs?: number | undefined;
}

export type { Resubscribed, SubscriptionDropped };

const DEFAULT_APPEND_DEADLINE_MS = 5_000;
const DEFAULT_CLAIM_IN_DOUBT_MS = 15_000;
const DEFAULT_CLAIM_WAIT_MS = 2_000;
const DEFAULT_BATCH_SIZE = 500;
/** Page size when a stream is searched for an event id. */
const SEARCH_PAGE = 500;

function positiveSetting(name: string, value: number | undefined, fallback: number): number {
  const setting = value ?? fallback;
  if (!Number.isSafeInteger(setting) || setting <= 0) throw new RangeError(`${name} must be a positive integer, got ${String(value)}`);
  return setting;
}

/**
 * The event store on EventStoreDB (the log) and Postgres (the index that keeps event ids
 * unique per category, `claims.ts`). Neither the pool nor the server belongs to it; `close()`
 * stops its subscriptions and closes its connection to the server.
 */
export function createEsdbEventStore(options: EsdbEventStoreOptions): EventStore {
  const maxAppendBytes = positiveSetting('maxAppendBytes', options.maxAppendBytes, DEFAULT_MAX_APPEND_BYTES);
  const appendDeadlineMs = positiveSetting('appendDeadlineMs', options.appendDeadlineMs, DEFAULT_APPEND_DEADLINE_MS);
  const claimInDoubtMs = positiveSetting('claimInDoubtMs', options.claimInDoubtMs, DEFAULT_CLAIM_IN_DOUBT_MS);
  const claimWaitMs = positiveSetting('claimWaitMs', options.claimWaitMs, DEFAULT_CLAIM_WAIT_MS);
  // A claim is taken over only when its owner's append has long run out of time (claims.ts).
  if (claimInDoubtMs < 3 * appendDeadlineMs) {
    throw new RangeError(`claimInDoubtMs (${claimInDoubtMs}) must be at least three times appendDeadlineMs (${appendDeadlineMs})`);
  }
  const client: EsdbClient = connectEsdb(options.connectionString);
  const lifecycle = storeLifecycle();
  const ensureOpen = lifecycle.ensureOpen;

  /** The stream's last revision, -1n when it has no events. */
  const lastRevision = async (stream: string) =>
    (await client.readStream(stream, { backwards: true, limit: 1 }))[0]?.revision ?? -1n;

  const log: ClaimedLog = {
    async holds(stream, eventId) {
      let from: bigint | undefined;
      for (;;) {
        const page = await client.readStream(stream, { from, backwards: true, limit: SEARCH_PAGE });
        if (page.some((event) => event.id === eventId)) return true;
        const oldest = page.at(-1);
        if (page.length < SEARCH_PAGE || !oldest || oldest.revision === 0n) return false;
        from = oldest.revision - 1n;
      }
    },
  };
  const claims: ClaimSettings = { pool: options.pool, inDoubtMs: claimInDoubtMs, waitMs: claimWaitMs };

  return {
    async append(stream, events, appendOptions = {}) {
      ensureOpen('append');
      const { valid, expected } = checkAppend(stream, events, appendOptions);
      const bytes = appendSize(valid);
      if (bytes > maxAppendBytes) throw new EventTooLargeError(stream, bytes, maxAppendBytes);

      if (valid.length === 0) {
        // Nothing to write, so nothing for the server to check atomically: compare here.
        const current = await lastRevision(stream);
        if (!meets(expected, current)) throw new WrongExpectedRevisionError(stream, expected, current);
        return { nextRevision: current, appended: [], duplicates: [] };
      }

      const claimed = await claimEventIds(claims, log, stream, valid);
      const duplicates = [...claimed.duplicates];
      // Pure redelivery succeeds whatever the expected revision: the events are already stored.
      if (claimed.fresh.length === 0) return { nextRevision: await lastRevision(stream), appended: [], duplicates };
      let nextRevision: bigint;
      try {
        nextRevision = await client.append(stream, claimed.fresh, expected, appendDeadlineMs);
      } catch (error) {
        // Refused for certain: nothing was written, so the ids are free again. A failure to
        // release leaves pending claims, which the next append of those ids resolves.
        if (error instanceof WrongExpectedRevisionError || error instanceof EventTooLargeError) await claimed.release().catch(() => {});
        // Anything else (a timeout, a lost connection) may or may not have written: the claims
        // stay pending and a redelivery finds out from the log.
        throw error;
      }
      await claimed.confirm();
      return { nextRevision, appended: claimed.fresh.map((event) => event.id), duplicates };
    },

    async readStream(stream, readOptions = {}) {
      ensureOpen('readStream');
      checkStreamName(stream);
      checkReadStreamOptions(stream, readOptions);
      return client.readStream(stream, { from: readOptions.from, backwards: readOptions.direction === 'backwards', limit: readOptions.limit });
    },

    async readAll(readOptions = {}) {
      ensureOpen('readAll');
      checkReadAllOptions(readOptions);
      const after = readOptions.after ?? START;
      const limit = readOptions.limit;
      if (limit === 0) return [];
      const fromStart = after.commit < 0n;
      // The server reads $all from a position inclusively; the port reads strictly after it.
      const events = await client.readAll({
        from: fromStart ? 'start' : after,
        backwards: false,
        prefixes: readOptions.streamPrefixes,
        limit: limit === undefined ? Number.MAX_SAFE_INTEGER : limit + 1,
      });
      const strictlyAfter = fromStart ? events : events.filter((event) => comparePositions(event.position, after) > 0);
      return limit === undefined ? strictlyAfter : strictlyAfter.slice(0, limit);
    },

    subscribe(subscribeOptions) {
      ensureOpen('subscribe');
      checkReadAllOptions(subscribeOptions);
      const batchSize = subscribeOptions.batchSize ?? DEFAULT_BATCH_SIZE;
      checkBatchSize(batchSize);
      if (typeof subscribeOptions.onBatch !== 'function') throw new TypeError('subscribe: onBatch must be a function');
      const subscription = startResubscribingSubscription({
        client,
        after: subscribeOptions.after ?? START,
        streamPrefixes: subscribeOptions.streamPrefixes,
        batchSize,
        onBatch: subscribeOptions.onBatch,
        onDropped: options.onSubscriptionDropped,
        onResubscribed: options.onResubscribed,
      });
      return lifecycle.track(subscription);
    },

    async headPosition() {
      ensureOpen('headPosition');
      const [newest] = await client.readAll({ from: 'end', backwards: true, limit: 1 });
      return newest?.position ?? START;
    },

    async ping() {
      ensureOpen('ping');
      await client.readAll({ from: 'end', backwards: true, limit: 1 });
    },

    async close() {
      if (await lifecycle.close()) await client.close();
    },
  };
}

function meets(expected: ExpectedRevision, current: bigint): boolean {
  if (expected === 'any') return true;
  if (expected === 'no_stream') return current === -1n;
  if (expected === 'stream_exists') return current !== -1n;
  return current === expected;
}
