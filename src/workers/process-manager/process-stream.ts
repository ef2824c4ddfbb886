import type { ExpectedRevision, EventStore, NewEvent, RecordedEvent } from '../../../domain/ports/event-store.ts';

export interface LoadedProcess<S> {
  readonly state: S;
  /** What the next append must expect: the stream is exactly as read, or the step is not recorded. */
  readonly expected: ExpectedRevision;
}

/** Reads a process stream from the start and folds it into its state. */
export async function loadProcess<S>(store: EventStore, stream: string, initial: S, fold: (state: S, event: RecordedEvent) => S): Promise<LoadedProcess<S>> {
  const events = await store.readStream(stream);
  const state = events.reduce(fold, initial);
  const last = events.at(-1);
  return { state, expected: last ? last.revision : 'no_stream' };
}

/**
 * Records steps with an exact expected revision; returns what the next append must expect.
 * A WrongExpectedRevisionError means another instance recorded first: the caller must stop and
 * re-read, never act on its stale view.
 */
export async function recordSteps(store: EventStore, stream: string, expected: ExpectedRevision, events: readonly NewEvent[]): Promise<ExpectedRevision> {
  const result = await store.append(stream, events, { expectedRevision: expected });
  return result.nextRevision;
}
