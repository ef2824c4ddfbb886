/*
 * The double's transaction log, held in memory. A real node appends every event as a
 * self-committed prepare record at a byte offset of its log; that offset is the event's $all
 * position (commit == prepare), and records take room, so positions grow by more than one per
 * event. The record size below is an approximation of a version-2 prepare record, enough to make
 * positions sparse and increasing the way a real node's are; nothing may compute one from another.
 */

/** One event as a node stores it. */
export interface StoredEvent {
  readonly stream: string;
  readonly revision: bigint;
  /** Lower-case canonical UUID text. */
  readonly id: string;
  readonly type: string;
  /** A node keeps only "is JSON": any other content type reads back as application/octet-stream. */
  readonly isJson: boolean;
  readonly data: Uint8Array;
  readonly metadata: Uint8Array;
  /** .NET ticks (100 ns) since the Unix epoch, as the `created` metadata carries them. */
  readonly created: bigint;
  readonly position: bigint;
}

/** A record of the log; `event` is null for the empty prepare an append of no events leaves. */
export interface LogRecord {
  readonly position: bigint;
  readonly postPosition: bigint;
  readonly event: StoredEvent | null;
}

export interface ProposedEvent {
  readonly id: string;
  readonly type: string;
  readonly isJson: boolean;
  readonly data: Uint8Array;
  readonly metadata: Uint8Array;
}

const RECORD_OVERHEAD = 88n;
const TICKS_PER_MILLISECOND = 10_000n;

function recordSize(stream: string, event: ProposedEvent | null): bigint {
  const text = Buffer.byteLength(stream) + 1 + (event ? Buffer.byteLength(event.type) + 1 : 1);
  return RECORD_OVERHEAD + BigInt(text + (event ? event.data.length + event.metadata.length : 0));
}

/**
 * Everything a node keeps on disk: the log and, derived from it, each stream's events. Pass the
 * same state to a new `startEsdbDouble` to restart a node with its data.
 */
export class EsdbDoubleState {
  readonly #records: LogRecord[] = [];
  readonly #streams = new Map<string, StoredEvent[]>();
  readonly #waiting = new Set<() => void>();
  #end = 0n;

  /** Every record in log order. */
  get records(): readonly LogRecord[] {
    return this.#records;
  }

  /** Where the next record goes (a node's writer checkpoint). */
  get end(): bigint {
    return this.#end;
  }

  /** The position of the last record, or -1 for an empty log (a node's last indexed position). */
  get lastRecordPosition(): bigint {
    return this.#records.at(-1)?.position ?? -1n;
  }

  /** The stream's last revision, or -1 when it has no events. */
  lastRevision(stream: string): bigint {
    return BigInt((this.#streams.get(stream)?.length ?? 0) - 1);
  }

  streamEvents(stream: string): readonly StoredEvent[] {
    return this.#streams.get(stream) ?? [];
  }

  event(stream: string, revision: bigint): StoredEvent | undefined {
    if (revision < 0n || revision > BigInt(Number.MAX_SAFE_INTEGER)) return undefined;
    return this.#streams.get(stream)?.[Number(revision)];
  }

  /** Index of the first record at or after `position` (records.length when there is none). */
  firstRecordAtOrAfter(position: bigint): number {
    let low = 0;
    let high = this.#records.length;
    while (low < high) {
      const mid = (low + high) >>> 1;
      if (this.#records[mid]!.position < position) low = mid + 1;
      else high = mid;
    }
    return low;
  }

  /** True when `position` is where a record starts or where the log ends. */
  isRecordBoundary(position: bigint): boolean {
    if (position === this.#end) return true;
    return this.#records[this.firstRecordAtOrAfter(position)]?.position === position;
  }

  /**
   * Appends `events` after the stream's last revision, or one empty record when there are none;
   * the caller has already decided that the write may go ahead.
   */
  write(stream: string, events: readonly ProposedEvent[]): LogRecord[] {
    const written: LogRecord[] = [];
    const created = BigInt(Date.now()) * TICKS_PER_MILLISECOND;
    if (events.length === 0) {
      written.push(this.#push(stream, null));
    }
    for (const proposed of events) {
      const streamEvents = this.#streams.get(stream) ?? [];
      const position = this.#end;
      const event: StoredEvent = { ...proposed, stream, revision: BigInt(streamEvents.length), created, position };
      streamEvents.push(event);
      this.#streams.set(stream, streamEvents);
      written.push(this.#push(stream, event));
    }
    const waiting = [...this.#waiting];
    this.#waiting.clear();
    for (const wake of waiting) wake();
    return written;
  }

  #push(stream: string, event: StoredEvent | null): LogRecord {
    const position = this.#end;
    const record: LogRecord = { position, postPosition: position + recordSize(stream, event), event };
    this.#records.push(record);
    this.#end = record.postPosition;
    return record;
  }

  /** Resolves at the next write, or rejects when `signal` aborts. */
  nextWrite(signal: AbortSignal): Promise<void> {
    return new Promise((resolve, reject) => {
      if (signal.aborted) {
        reject(signal.reason);
        return;
      }
      const wake = () => {
        signal.removeEventListener('abort', abort);
        resolve();
      };
      const abort = () => {
        this.#waiting.delete(wake);
        reject(signal.reason);
      };
      this.#waiting.add(wake);
      signal.addEventListener('abort', abort, { once: true });
    });
  }
}
