import { setTimeout as sleep } from 'node:timers/promises';
import type { GlobalPosition, RecordedEvent } from '../../domain/ports/event-store.ts';
import { isTransientPostgresError } from '../../adapters/eventstore/postgres-transient.ts';
import type { ProjectionDb } from '../../projections/projection.ts';
import { describeError } from '../describe-error.ts';
import { applyBatch, CheckpointMovedError, lockCheckpointAt, type ProjectionTarget } from './apply-batch.ts';
import { advanceCheckpoint } from './checkpoints.ts';
import { recordDeadLetter } from './dead-letters.ts';

/** How hard a projection tries an event before setting it aside. */
export interface SetAsidePolicy {
  /** Tries per event, the first included (at least 1). */
  readonly attempts: number;
  /** Pause before the second try; doubled for each one after. */
  readonly backoffMs: number;
  readonly signal?: AbortSignal;
  /** Told of each event set aside, for the log and metrics. */
  readonly onSetAside?: (event: RecordedEvent, error: unknown) => void;
}

export const DEFAULT_SET_ASIDE_POLICY: SetAsidePolicy = { attempts: 3, backoffMs: 100 };

export interface SetAsideEvent {
  readonly eventId: string;
  readonly stream: string;
  readonly revision: bigint;
  readonly type: string;
  readonly error: string;
}

/**
 * Failures that say nothing about the events: the database away or busy, another runner ahead.
 * They are waited out by the caller and never set an event aside.
 */
function isAboutTheEvents(error: unknown): boolean {
  return !(error instanceof CheckpointMovedError) && !isTransientPostgresError(error) && !(error instanceof Error && error.name === 'AbortError');
}

/**
 * Applies a batch as `applyBatch` does. If the batch fails for a reason that lies in its events,
 * they are applied one at a time, each tried `policy.attempts` times; one that still fails is set
 * aside (a dead letter) in the transaction that moves the checkpoint past it, so one bad event
 * never stops the events of every other tenant behind it. Returns what was set aside.
 * Failures that do not lie in the events are thrown for the caller to wait out.
 */
export async function applyOrSetAside(
  db: ProjectionDb,
  target: ProjectionTarget,
  readAfter: GlobalPosition,
  events: readonly RecordedEvent[],
  policy: SetAsidePolicy = DEFAULT_SET_ASIDE_POLICY,
): Promise<SetAsideEvent[]> {
  try {
    await applyBatch(db, target, readAfter, events);
    return [];
  } catch (error) {
    if (!isAboutTheEvents(error)) throw error;
  }
  const setAside: SetAsideEvent[] = [];
  let after = readAfter;
  for (const event of events) {
    const failure = await applyAloneWithRetries(db, target, after, event, policy);
    if (failure !== undefined) {
      await db.transaction().execute(async (trx) => {
        await lockCheckpointAt(trx, target, after);
        await recordDeadLetter(trx, target.checkpointName, event, failure.error, failure.attempts);
        await advanceCheckpoint(trx, target.checkpointName, event.position, 0);
      });
      setAside.push({ eventId: event.id, stream: event.streamName, revision: event.revision, type: event.type, error: describeError(failure.error).message });
      policy.onSetAside?.(event, failure.error);
    }
    after = event.position;
  }
  return setAside;
}

/** Undefined once applied; the last error and the tries made when every try failed. */
async function applyAloneWithRetries(
  db: ProjectionDb,
  target: ProjectionTarget,
  after: GlobalPosition,
  event: RecordedEvent,
  policy: SetAsidePolicy,
): Promise<{ error: unknown; attempts: number } | undefined> {
  const attempts = Math.max(1, policy.attempts);
  let lastError: unknown;
  for (let attempt = 1; attempt <= attempts; attempt++) {
    if (attempt > 1) await sleep(policy.backoffMs * 2 ** (attempt - 2), undefined, { signal: policy.signal });
    try {
      await applyBatch(db, target, after, [event]);
      return undefined;
    } catch (error) {
      if (!isAboutTheEvents(error)) throw error;
      lastError = error;
    }
  }
  return { error: lastError, attempts };
}
