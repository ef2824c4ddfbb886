import { sql } from 'kysely';
import { parseDomainEvent } from '../../domain/events/catalogue.ts';
import { comparePositions, type GlobalPosition, type RecordedEvent } from '../../domain/ports/event-store.ts';
import type { Projection, ProjectionContext, ProjectionDb } from '../../projections/projection.ts';
import { advanceCheckpoint, ensureCheckpointRow, readCheckpoint } from './checkpoints.ts';

/** Another runner applied events past the position this batch was read from. */
export class CheckpointMovedError extends Error {
  override readonly name = 'CheckpointMovedError';
}

export interface ProjectionTarget {
  readonly projection: Projection;
  /** Schema its tables live in: `public`, or a shadow schema during a rebuild. */
  readonly schema: string;
  /** Row of projection_checkpoints that tracks this target. */
  readonly checkpointName: string;
  readonly context: ProjectionContext;
}

/**
 * Applies a batch and moves the checkpoint in one transaction, so a crash repeats a whole batch
 * and never half of one. The checkpoint is locked and compared with the position the batch was
 * read after: a second runner on the same projection makes this one fail instead of applying
 * events twice. Events are read before the transaction opens, because the embedded store
 * serialises transactions and a read on another connection would wait for this one forever.
 */
export async function applyBatch(
  db: ProjectionDb,
  target: ProjectionTarget,
  readAfter: GlobalPosition,
  events: readonly RecordedEvent[],
): Promise<void> {
  const last = events.at(-1);
  if (!last) return;
  await db.transaction().execute(async (trx) => {
    await ensureCheckpointRow(trx, target.checkpointName);
    const current = await readCheckpoint(trx, target.checkpointName, { forUpdate: true });
    if (comparePositions(current.position, readAfter) !== 0) {
      throw new CheckpointMovedError(`checkpoint ${target.checkpointName} moved while a batch was read`);
    }
    await sql`select set_config('search_path', ${`${target.schema}, public`}, true)`.execute(trx);
    for (const recorded of events) {
      const event = parseDomainEvent(recorded.type, recorded.data);
      await target.projection.apply(trx, event, recorded, target.context);
    }
    await sql`select set_config('search_path', 'public', true)`.execute(trx);
    await advanceCheckpoint(trx, target.checkpointName, last.position, events.length);
  });
}
