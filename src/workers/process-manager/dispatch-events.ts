import { setTimeout as sleep } from 'node:timers/promises';
import { isTransientPostgresError } from '../../../adapters/eventstore/postgres-transient.ts';
import { safeParseDomainEvent } from '../../../domain/events/catalogue.ts';
import type { RecordedEvent } from '../../../domain/ports/event-store.ts';
import { describeError } from '../../describe-error.ts';
import { recordDeadLetter } from '../dead-letters.ts';
import type { ProcessContext, ProcessDefinition } from './process.ts';

export interface DispatchPolicy {
  /** Tries per event and process before the event is set aside for that process. */
  readonly attempts: number;
  readonly backoffMs: number;
  readonly signal: AbortSignal;
}

/** Where an event a process could not take is set aside (`ledger projections failures` lists it). */
export const deadLetterName = (process: ProcessDefinition) => `process-manager:${process.name}`;

/**
 * Hands each event to every process that reacts to its type, in log order. An event a process
 * still cannot take after its tries (or that does not parse) is set aside for that process and
 * logged, so one tenant's poison event never stops every other tenant's behind it. Failures
 * that say nothing about the event (the database away, a stop) are thrown for the runner to wait
 * out from its checkpoint.
 */
export async function dispatchEvents(events: readonly RecordedEvent[], processes: readonly ProcessDefinition[], context: ProcessContext, policy: DispatchPolicy): Promise<number> {
  let handled = 0;
  for (const recorded of events) {
    const takers = processes.filter((p) => (p.eventTypes as ReadonlySet<string>).has(recorded.type));
    if (takers.length === 0) continue;
    const parsed = safeParseDomainEvent(recorded.type, recorded.data);
    for (const process of takers) {
      const failure = parsed.success
        ? await withTries(() => process.onEvent({ event: parsed.event, recorded }, context), policy)
        : { error: new Error(parsed.error), attempts: 1 };
      if (failure) {
        await recordDeadLetter(context.db, deadLetterName(process), recorded, failure.error, failure.attempts);
        context.logger.error(
          { process: process.name, eventId: recorded.id, stream: recorded.streamName, eventType: recorded.type, error: describeError(failure.error).message },
          'event set aside by the process manager: the process could not take it after every try (see `ledger projections failures`)',
        );
      }
    }
    handled++;
  }
  return handled;
}

async function withTries(run: () => Promise<void>, policy: DispatchPolicy): Promise<{ error: unknown; attempts: number } | undefined> {
  const attempts = Math.max(1, policy.attempts);
  let lastError: unknown;
  for (let attempt = 1; attempt <= attempts; attempt++) {
    if (attempt > 1) await sleep(policy.backoffMs * 2 ** (attempt - 2), undefined, { signal: policy.signal });
    try {
      await run();
      return undefined;
    } catch (error) {
      if (isTransientPostgresError(error) || policy.signal.aborted) throw error;
      lastError = error;
    }
  }
  return { error: lastError, attempts };
}
