import type { PlannedEvent } from '../../../../domain/dunning/planned-event.ts';
import { WrongExpectedRevisionError, type EventStore, type ExpectedRevision, type Json, type NewEvent } from '../../../../domain/ports/event-store.ts';

export function toNewEvent(event: PlannedEvent): NewEvent {
  return {
    id: event.id,
    type: event.type,
    data: event.data as unknown as Json,
    metadata: { correlationId: event.correlationId, causationId: event.causationId },
  };
}

/**
 * Appends the process's decisions with an exact expected revision and returns the revision to
 * expect next. The store reports an event id it already holds as a duplicate instead of failing,
 * whatever the expected revision: a duplicate here means another instance recorded the same step
 * first, so it is treated as the conflict it is (and a claim is never mistaken for ours).
 */
export async function recordExactly(store: EventStore, stream: string, expected: ExpectedRevision, events: readonly PlannedEvent[]): Promise<bigint> {
  const result = await store.append(stream, events.map(toNewEvent), { expectedRevision: expected });
  if (result.duplicates.length > 0) {
    throw new WrongExpectedRevisionError(stream, expected, result.nextRevision);
  }
  return result.nextRevision;
}
