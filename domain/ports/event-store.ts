/**
 * The event store port. Two adapters implement it (`adapters/eventstore/postgres.ts` and
 * `adapters/eventstore/esdb/esdb.ts`) and both must pass `test/contract/event-store.contract.ts`.
 */

/** JSON-serialisable value: what an event's data and metadata may hold. */
export type Json = null | boolean | number | string | Json[] | { [key: string]: Json };

/**
 * `any` appends regardless of the stream's state, `no_stream` only to a stream that has no
 * events yet, `stream_exists` only to one that has, a bigint only when the stream's last
 * revision is exactly that (revisions start at 0).
 */
export type ExpectedRevision = 'any' | 'no_stream' | 'stream_exists' | bigint;

export interface NewEvent {
  /**
   * UUID, unique within the stream's category (see `EventStore.append`). Derived
   * deterministically from the Stripe event id, so a redelivery is detected.
   */
  readonly id: string;
  readonly type: string;
  readonly data: Json;
  readonly metadata?: { [key: string]: Json };
}

/**
 * A position in the global log, ordered by `commit` then `prepare`. EventStoreDB names its
 * positions this way; the Postgres adapter stores (transaction id, sequence) in them, so a
 * checkpoint is two bigints in either store.
 */
export interface GlobalPosition {
  readonly commit: bigint;
  readonly prepare: bigint;
}

export const START: GlobalPosition = Object.freeze({ commit: -1n, prepare: -1n });

export interface RecordedEvent {
  readonly id: string;
  readonly type: string;
  readonly streamName: string;
  /** 0-based position of the event within its stream. */
  readonly revision: bigint;
  readonly position: GlobalPosition;
  readonly data: Json;
  readonly metadata: { [key: string]: Json };
  readonly recordedAt: Date;
}

export interface AppendResult {
  /** Revision of the stream's last event after the append (-1n: the stream is still empty). */
  readonly nextRevision: bigint;
  /** Ids appended by this call. */
  readonly appended: readonly string[];
  /** Ids the stream's category already held (or repeated within the call): not stored again. */
  readonly duplicates: readonly string[];
}

export interface ReadStreamOptions {
  /** Revision to start from (inclusive). Defaults to the first (forwards) or last (backwards). */
  readonly from?: bigint;
  readonly direction?: 'forwards' | 'backwards';
  readonly limit?: number;
}

export interface ReadAllOptions {
  /** Exclusive: events strictly after this position. Defaults to the start of the log. */
  readonly after?: GlobalPosition;
  /** Only events whose stream name starts with one of these prefixes. */
  readonly streamPrefixes?: readonly string[];
  readonly limit?: number;
}

export interface SubscribeOptions extends Omit<ReadAllOptions, 'limit'> {
  /** Events are handed over in batches of at most this many (default 500). */
  readonly batchSize?: number;
  /**
   * Called with each batch, in global order. The next batch is read only after the promise
   * settles; a rejection stops the subscription and is reported through `done`.
   */
  readonly onBatch: (events: readonly RecordedEvent[]) => Promise<void>;
}

export interface Subscription {
  /** Stops following; resolves once the current batch (if any) has been handled. */
  stop(): Promise<void>;
  /**
   * Settles when the subscription stops: resolves on `stop()`; rejects on a handler error, or on
   * a read error that retrying cannot cure (transient ones, like a lost connection, are retried).
   */
  readonly done: Promise<void>;
}

export interface EventStore {
  /**
   * Appends atomically, in the caller's order, after checking the expected revision.
   *
   * **An event id is unique within its stream's category**: the stream name up to its first
   * `-`, or the whole name if it has none (EventStoreDB's default `$by_category` rule). An id
   * that any stream of the category already holds is a duplicate: reported in `duplicates`,
   * stored nowhere again, whatever the expected revision; a call made only of duplicates
   * succeeds without writing. Why the category and not the stream, nor the whole log: a Stripe
   * event must live in one tenant stream at most, though routing can name another tenant on a
   * redelivery (all `tenant-…` streams are one category); while its parked copy in `unrouted`,
   * a category of its own, keeps the same id when it is re-routed to its tenant, so nothing
   * needs renaming and a re-route repeated after a crash is recognised. Per stream was too
   * weak (one event in two tenants' streams); across the whole log would forbid that copy.
   */
  append(stream: string, events: readonly NewEvent[], options?: { expectedRevision?: ExpectedRevision }): Promise<AppendResult>;
  readStream(stream: string, options?: ReadStreamOptions): Promise<RecordedEvent[]>;
  readAll(options?: ReadAllOptions): Promise<RecordedEvent[]>;
  /**
   * Catches up from `after`, then follows new appends: each is handed over within 100 ms of
   * becoming visible to global readers (in Postgres, once no older transaction is still open).
   */
  subscribe(options: SubscribeOptions): Subscription;
  /** The position of the newest event a reader can see now (START when the log is empty). */
  headPosition(): Promise<GlobalPosition>;
  /** Throws when the store does not answer. */
  ping(): Promise<void>;
  close(): Promise<void>;
}

export class WrongExpectedRevisionError extends Error {
  override readonly name = 'WrongExpectedRevisionError';
  readonly stream: string;
  readonly expected: ExpectedRevision;
  /** -1n when the stream does not exist. */
  readonly actual: bigint;
  constructor(
    stream: string,
    expected: ExpectedRevision,
    actual: bigint,
  ) {
    super(`append to ${stream}: expected revision ${String(expected)}, stream is at ${actual === -1n ? 'no_stream' : String(actual)}`);
    this.stream = stream;
    this.expected = expected;
    this.actual = actual;
  }
}

/**
 * An append larger than the store takes in one call (EventStoreDB: `MaxAppendSize`, 1 MiB by
 * default, counted as its server counts). Thrown before anything is written, so the caller can
 * set the event aside instead of retrying what can never be stored.
 */
export class EventTooLargeError extends Error {
  override readonly name = 'EventTooLargeError';
  readonly stream: string;
  /** The append's size as the store counts it. */
  readonly bytes: number;
  readonly limit: number;
  constructor(
    stream: string,
    bytes: number,
    limit: number,
  ) {
    super(`append to ${stream}: ${bytes} bytes, over the store's limit of ${limit} bytes per append`);
    this.stream = stream;
    this.bytes = bytes;
    this.limit = limit;
  }
}

export function comparePositions(a: GlobalPosition, b: GlobalPosition): number {
  if (a.commit !== b.commit) return a.commit < b.commit ? -1 : 1;
  if (a.prepare !== b.prepare) return a.prepare < b.prepare ? -1 : 1;
  return 0;
}
