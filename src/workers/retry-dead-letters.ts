import { isTransientPostgresError } from '../../adapters/eventstore/postgres-transient.ts';
import { OperatorError } from '../../domain/operator-error.ts';
import type { EventStore } from '../../domain/ports/event-store.ts';
import type { ProjectionDb } from '../../projections/projection.ts';
import { describeError } from '../describe-error.ts';
import { applyEvents, eventsFor, type ProjectionTarget } from './apply-batch.ts';
import { readCheckpoint } from './checkpoints.ts';
import { listDeadLetters, recordRetryFailure, resolveDeadLetter } from './dead-letters.ts';
import { liveVersion } from './projection-versions.ts';

export interface RetryOutcome {
  readonly eventId: string;
  readonly stream: string;
  readonly revision: bigint;
  readonly resolved: boolean;
  /** Why it failed again (no event content). */
  readonly error?: string;
}

/**
 * Applies a projection's set-aside events again, oldest first, after whatever made them fail was
 * fixed. Each is applied in its own transaction with the projection's checkpoint row locked, so
 * a runner in this or another process waits rather than interleaving; one applied is marked
 * resolved, one that fails again stays set aside with one more attempt counted. The events come
 * after later ones, which the projections' own ordering rules (Stripe's `created`, cumulative
 * refunds) make harmless.
 */
export async function retryDeadLetters(store: EventStore, db: ProjectionDb, target: ProjectionTarget): Promise<RetryOutcome[]> {
  if ((await liveVersion(db, target.projection)).outdated) {
    throw new OperatorError(`${target.projection.name} is being rebuilt for a new version; retry its set-aside events once \`ledger projections status\` shows it current`);
  }
  const outcomes: RetryOutcome[] = [];
  for (const letter of await listDeadLetters(db, { projection: target.checkpointName })) {
    const where = { eventId: letter.eventId, stream: letter.stream, revision: letter.revision };
    try {
      const [event] = await store.readStream(letter.stream, { from: letter.revision, limit: 1 });
      if (!event || event.id !== letter.eventId) throw new Error(`event ${letter.eventId} is not at ${letter.stream}@${letter.revision}`);
      const projected = eventsFor(target.projection, [event]);
      await db.transaction().execute(async (trx) => {
        await readCheckpoint(trx, target.checkpointName, { forUpdate: true });
        await applyEvents(trx, target, projected);
        await resolveDeadLetter(trx, letter.id);
      });
      outcomes.push({ ...where, resolved: true });
    } catch (error) {
      if (isTransientPostgresError(error)) throw error;
      await recordRetryFailure(db, letter.id, error);
      outcomes.push({ ...where, resolved: false, error: describeError(error).message });
    }
  }
  return outcomes;
}
