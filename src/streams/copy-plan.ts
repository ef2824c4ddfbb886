import type { ExpectedRevision, NewEvent, RecordedEvent } from '../../domain/ports/event-store.ts';

/*
 * The pure decisions of `ledger streams copy` (the loop that acts on them is `copy-streams.ts`):
 * how a page of the source's global log becomes appends, and what to do when the target refuses
 * one or does not store all of it.
 */

/** Consecutive events of one stream in the source's global log, revisions without a gap: one append. */
export interface StreamRun {
  readonly stream: string;
  readonly events: readonly RecordedEvent[];
}

/**
 * EventStoreDB's own streams (`$settings`, `$scavenges`, ...) start with `$`. They are not the
 * ledger's history, and EventStoreDB would refuse them as a target, so they are neither copied nor
 * compared. The ledger never names a stream this way.
 */
export const isSystemStream = (stream: string): boolean => stream.startsWith('$');

/**
 * Splits a page of the global log into runs: a new run starts where the stream changes or a
 * revision does not follow the previous one (a source with a gap, e.g. a truncated EventStoreDB
 * stream; its append is then refused for the right reason, instead of hiding the gap in a run).
 */
export function groupIntoRuns(events: readonly RecordedEvent[]): StreamRun[] {
  const runs: { stream: string; events: RecordedEvent[] }[] = [];
  for (const event of events) {
    const last = runs.at(-1);
    const previous = last?.events.at(-1);
    if (last && previous && last.stream === event.streamName && event.revision === previous.revision + 1n) last.events.push(event);
    else runs.push({ stream: event.streamName, events: [event] });
  }
  return runs;
}

/** The expected revision that puts `revision` exactly where the source has it. */
export function expectedRevisionBefore(revision: bigint): ExpectedRevision {
  return revision === 0n ? 'no_stream' : revision - 1n;
}

/** What the target is given: everything of the event but its position and recording time, which the target assigns. */
export function toNewEvent(event: RecordedEvent): NewEvent {
  return { id: event.id, type: event.type, data: event.data, metadata: event.metadata };
}

const sameId = (a: string, b: string) => a.toLowerCase() === b.toLowerCase();

/** What the target holds of a run's stream, read after it refused the run or did not store all of it. */
export interface TargetState {
  /** The target stream's events from the run's first revision on (at least as many as the run has, when it has them). */
  readonly fromRunStart: readonly { readonly id: string; readonly revision: bigint }[];
  /** The target stream's last revision, -1n when it has no events. */
  readonly lastRevision: bigint;
  /** Ids the target's last append answered as duplicates: held by some stream of the category. */
  readonly reportedDuplicates: ReadonlySet<string>;
}

export type RunPlan =
  /**
   * The first `skip` events are in the target already (copied by an earlier, interrupted run);
   * the rest, if any, go after them. `skip` equal to the run's length: nothing left to append.
   */
  | { readonly kind: 'continue'; readonly skip: number }
  /** The target holds another event at a revision of the run. */
  | { readonly kind: 'diverged'; readonly revision: bigint; readonly sourceId: string; readonly targetId: string }
  /** The target stream ends before the run's next event: earlier events of the stream are missing there. */
  | { readonly kind: 'behind'; readonly revision: bigint; readonly targetLastRevision: bigint }
  /** The target did not store an event because another stream of its category holds its id. */
  | { readonly kind: 'held-elsewhere'; readonly revision: bigint; readonly id: string };

/**
 * Compares a run with what the target holds from the run's first revision. Events already there
 * with the same ids, at the same revisions, were copied before and are skipped; the first event
 * of the run the target does not have is where the append goes on. Anything else means the target
 * is not a copy of the source, and the copy must stop rather than write around it.
 */
export function planRun(run: readonly RecordedEvent[], target: TargetState): RunPlan {
  // The target answered an id as a duplicate, yet does not hold it at its revision: another
  // stream of the category does (a log written before ids were unique per category can hold one
  // id in two streams), and the target may have stored the run's later events in its place.
  const heldElsewhere = (event: RecordedEvent) => [...target.reportedDuplicates].some((id) => sameId(id, event.id));
  let skip = 0;
  for (const event of run) {
    const held = target.fromRunStart[skip];
    if (!held) break;
    if (held.revision !== event.revision || !sameId(held.id, event.id)) {
      return heldElsewhere(event)
        ? { kind: 'held-elsewhere', revision: event.revision, id: event.id }
        : { kind: 'diverged', revision: event.revision, sourceId: event.id, targetId: held.id };
    }
    skip++;
  }
  const next = run[skip];
  if (next && heldElsewhere(next)) return { kind: 'held-elsewhere', revision: next.revision, id: next.id };
  if (next && target.lastRevision < next.revision - 1n) {
    return { kind: 'behind', revision: next.revision, targetLastRevision: target.lastRevision };
  }
  // A target that has grown past `next` since it was read refuses the next append, and the run
  // is planned again.
  return { kind: 'continue', skip };
}
