import type { ExpectedRevision, NewEvent, ReadAllOptions, ReadStreamOptions } from '../../domain/ports/event-store.ts';
import { isUuid } from '../../domain/ids.ts';

/**
 * Input checks every event store adapter makes before touching its store, so that a caller's
 * mistake fails with a message that names it instead of a driver or SQL error, and so both
 * adapters reject the same inputs.
 */


export function checkStreamName(stream: unknown): asserts stream is string {
  if (typeof stream !== 'string' || stream.length === 0) {
    throw new TypeError(`stream name must be a non-empty string, got ${JSON.stringify(stream)}`);
  }
}

/** Returns the events with ids in lower case: the form the store reads them back in. */
export function checkNewEvents(stream: string, events: readonly NewEvent[]): NewEvent[] {
  if (!Array.isArray(events)) throw new TypeError(`append to ${stream}: events must be an array`);
  return events.map((event: NewEvent, index) => {
    const where = `append to ${stream}: event ${index}`;
    if (typeof event !== 'object' || event === null) throw new TypeError(`${where} is not an object`);
    if (typeof event.id !== 'string' || !isUuid(event.id)) {
      throw new TypeError(`${where} has id ${JSON.stringify(event.id)}, which is not a UUID`);
    }
    if (typeof event.type !== 'string' || event.type.length === 0) {
      throw new TypeError(`${where} (${event.id}) has no type`);
    }
    if (event.data === undefined) throw new TypeError(`${where} (${event.id}) has no data`);
    const metadata = event.metadata;
    if (metadata !== undefined && (typeof metadata !== 'object' || metadata === null || Array.isArray(metadata))) {
      throw new TypeError(`${where} (${event.id}) has metadata that is not an object`);
    }
    return { ...event, id: event.id.toLowerCase() };
  });
}

export function checkExpectedRevision(stream: string, expected: ExpectedRevision): void {
  if (expected === 'any' || expected === 'no_stream' || expected === 'stream_exists') return;
  if (typeof expected !== 'bigint') {
    throw new TypeError(`append to ${stream}: expectedRevision must be 'any', 'no_stream', 'stream_exists' or a bigint, got ${String(expected)}`);
  }
  if (expected < 0n) {
    throw new RangeError(`append to ${stream}: expectedRevision ${expected} is negative (use 'no_stream' for an empty stream)`);
  }
}

function checkLimit(what: string, limit: number | undefined): void {
  if (limit !== undefined && (!Number.isSafeInteger(limit) || limit < 0)) {
    throw new RangeError(`${what}: limit must be a non-negative integer, got ${String(limit)}`);
  }
}

export function checkReadStreamOptions(stream: string, options: ReadStreamOptions): void {
  const what = `read ${stream}`;
  checkLimit(what, options.limit);
  if (options.from !== undefined && (typeof options.from !== 'bigint' || options.from < 0n)) {
    throw new RangeError(`${what}: from must be a non-negative bigint, got ${String(options.from)}`);
  }
  if (options.direction !== undefined && options.direction !== 'forwards' && options.direction !== 'backwards') {
    throw new RangeError(`${what}: direction must be 'forwards' or 'backwards', got ${String(options.direction)}`);
  }
}

export function checkReadAllOptions(options: ReadAllOptions): void {
  checkLimit('read all', options.limit);
  const after = options.after;
  if (after !== undefined && (typeof after.commit !== 'bigint' || typeof after.prepare !== 'bigint')) {
    throw new TypeError('read all: after must be a position of two bigints');
  }
  const prefixes = options.streamPrefixes;
  if (prefixes !== undefined) {
    // An empty list would silently match nothing: almost certainly a caller's mistake.
    if (!Array.isArray(prefixes) || prefixes.length === 0) {
      throw new TypeError('read all: streamPrefixes must be a non-empty array (omit it to read every stream)');
    }
    for (const prefix of prefixes) {
      if (typeof prefix !== 'string') throw new TypeError(`read all: stream prefix ${String(prefix)} is not a string`);
    }
  }
}

export function checkBatchSize(batchSize: number): void {
  if (!Number.isSafeInteger(batchSize) || batchSize < 1) {
    throw new RangeError(`subscribe: batchSize must be a positive integer, got ${String(batchSize)}`);
  }
}

/** What every adapter checks of an append before it touches its store: the events to write and the revision expected. */
export function checkAppend(
  stream: string,
  events: readonly NewEvent[],
  options: { expectedRevision?: ExpectedRevision },
): { valid: NewEvent[]; expected: ExpectedRevision } {
  checkStreamName(stream);
  const valid = checkNewEvents(stream, events);
  const expected = options.expectedRevision ?? 'any';
  checkExpectedRevision(stream, expected);
  return { valid, expected };
}
