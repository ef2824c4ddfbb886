import { comparePositions, START, type EventStore, type GlobalPosition } from '../../domain/ports/event-store.ts';
import { isSystemStream } from './copy-plan.ts';
import { addToTallies, compareTallies, finishTallies, type RunningTallies, type StreamTally, type TallyComparison } from './stream-checksum.ts';

/*
 * The check at the end of a copy: every stream's event count and checksum, computed from each
 * store's own global log, then compared. Both logs are read in full (the target's too, so a
 * stream only the target has is reported); the source only up to the position the copy reached,
 * so events a live source received since are left for the next run rather than reported missing.
 *
 * A stream that differs is read again from the target stream by stream before it is reported:
 * a global reader of a Postgres store sees an event only once every transaction older than it
 * has ended, anywhere on the server, so the events just appended may not show in the target's
 * global log yet (the stream itself shows them at once). Only the source's reading is
 * position-bound, and what the copy read there was already visible.
 */

export interface TallyOptions {
  readonly pageSize: number;
  /** Only events at or before this position (default: the whole log). */
  readonly upTo?: GlobalPosition | undefined;
  /** Called after every page with the events read so far. */
  readonly onPage?: ((eventsRead: number) => void) | undefined;
  /** Aborting stops the reading with the signal's reason. */
  readonly signal?: AbortSignal | undefined;
}

export async function tallyStore(store: EventStore, options: TallyOptions): Promise<Map<string, StreamTally>> {
  const tallies: RunningTallies = new Map();
  let after = START;
  let read = 0;
  for (;;) {
    options.signal?.throwIfAborted();
    const page = await store.readAll({ after, limit: options.pageSize });
    if (page.length === 0) break;
    const upTo = options.upTo;
    const within = upTo ? page.filter((event) => comparePositions(event.position, upTo) <= 0) : page;
    addToTallies(tallies, within.filter((event) => !isSystemStream(event.streamName)));
    read += within.length;
    options.onPage?.(read);
    if (within.length < page.length) break;
    after = page.at(-1)!.position;
  }
  return finishTallies(tallies);
}

/** One stream's tally from the stream itself; null when it has no events. */
async function tallyStream(store: EventStore, stream: string, pageSize: number): Promise<StreamTally | null> {
  const tallies: RunningTallies = new Map();
  for (let from = 0n; ; ) {
    const page = await store.readStream(stream, { from, limit: pageSize });
    addToTallies(tallies, page);
    if (page.length < pageSize) break;
    from = page.at(-1)!.revision + 1n;
  }
  return finishTallies(tallies).get(stream) ?? null;
}

export async function verifyCopy(
  source: EventStore,
  target: EventStore,
  options: {
    pageSize: number;
    upTo: GlobalPosition;
    signal?: AbortSignal | undefined;
    onPage?: (side: 'source' | 'target', eventsRead: number) => void;
  },
): Promise<TallyComparison> {
  const { pageSize, signal } = options;
  const sourceTallies = await tallyStore(source, { pageSize, signal, upTo: options.upTo, onPage: (n) => options.onPage?.('source', n) });
  const targetTallies = await tallyStore(target, { pageSize, signal, onPage: (n) => options.onPage?.('target', n) });
  const first = compareTallies(sourceTallies, targetTallies);
  if (first.mismatches.length === 0) return first;
  for (const { stream } of first.mismatches) {
    signal?.throwIfAborted();
    const tally = await tallyStream(target, stream, pageSize);
    if (tally) targetTallies.set(stream, tally);
    else targetTallies.delete(stream);
  }
  return compareTallies(sourceTallies, targetTallies);
}
