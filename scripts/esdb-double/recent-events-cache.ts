/*
 * A node remembers the ids of recently committed events in a bounded, first-in first-out cache
 * (its "committed events" cache). That cache, not the log, is what makes a repeated append with
 * expected revision `any` or `stream_exists` a no-op: once an id has been pushed out, the same
 * event appended again is written again. The cache lives in the node's memory: it starts empty
 * after a restart and fills only as the node writes.
 *
 * The node bounds it by an estimate of memory, 8 MiB, at 16 + 4 + 8 bytes per entry plus the
 * size of the stream name as a .NET string (20 + 2 per UTF-16 unit + 1, rounded up to 8), about
 * 60,000 ids for stream names of 40 characters. That is the default here; `maxEntries` bounds it
 * by a count instead, so that a test can push an id out with a handful of appends. Like the
 * node's, a lookup does not refresh an entry, and an id put twice keeps its first entry, which
 * leaves with the oldest queue slot that carries it.
 */

export interface CachedEvent {
  readonly stream: string;
  readonly revision: bigint;
}

export interface RecentEventsCacheLimits {
  readonly maxEntries: number;
  readonly maxBytes: number;
}

export const SERVER_CACHE_BYTES = 8 * 1024 * 1024;

const roundUpTo8 = (n: number) => Math.ceil(n / 8) * 8;

/** The node's estimate of one entry's memory. */
export function entryBytes(stream: string): number {
  return 16 + 4 + 8 + (stream.length === 0 ? 0 : roundUpTo8(20 + stream.length * 2 + 1));
}

export function cacheLimits(maxEntries: number | undefined): RecentEventsCacheLimits {
  return maxEntries === undefined
    ? { maxEntries: Number.POSITIVE_INFINITY, maxBytes: SERVER_CACHE_BYTES }
    : { maxEntries, maxBytes: Number.POSITIVE_INFINITY };
}

export class RecentEventsCache {
  readonly #entries = new Map<string, CachedEvent>();
  #queue: string[] = [];
  #head = 0;
  #bytes = 0;

  private readonly limits: RecentEventsCacheLimits;
  constructor(limits: RecentEventsCacheLimits) {
    this.limits = limits;}

  get(id: string): CachedEvent | undefined {
    return this.#entries.get(id);
  }

  put(id: string, event: CachedEvent): void {
    while (this.#isFull()) this.#evictOldest();
    this.#bytes += entryBytes(event.stream);
    this.#queue.push(id);
    if (!this.#entries.has(id)) this.#entries.set(id, event);
  }

  #queued(): number {
    return this.#queue.length - this.#head;
  }

  #isFull(): boolean {
    return this.#queued() >= this.limits.maxEntries || (this.#bytes > this.limits.maxBytes && this.#queued() > 0);
  }

  #evictOldest(): void {
    const id = this.#queue[this.#head++]!;
    const entry = this.#entries.get(id);
    if (entry) {
      this.#bytes -= entryBytes(entry.stream);
      this.#entries.delete(id);
    }
    if (this.#head > 1024 && this.#head * 2 > this.#queue.length) {
      this.#queue = this.#queue.slice(this.#head);
      this.#head = 0;
    }
  }
}
