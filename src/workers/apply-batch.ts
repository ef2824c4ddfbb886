import { sql } from 'kysely';
import { isDomainEventType, parseDomainEvent, type DomainEvent } from '../../domain/events/catalogue.ts';
import { comparePositions, type GlobalPosition, type RecordedEvent } from '../../domain/ports/event-store.ts';
import type { ProjectedEvent, Projection, ProjectionContext, ProjectionDb } from '../../projections/projection.ts';
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

/** A projection as it runs live: its own tables in `public`, its own checkpoint row. */
export function liveTarget(projection: Projection, context: ProjectionContext): ProjectionTarget {
  return { projection, schema: 'public', checkpointName: projection.name, context };
}

/**
 * Applies a batch and moves the checkpoint in one transaction, so a crash repeats a whole batch
 * and never half of one. The checkpoint is locked and compared with the position the batch was
 * read after: a second runner on the same projection makes this one fail instead of applying
 * events twice. Events are read before the transaction opens, because the embedded store
 * serialises transactions and a read on another connection would wait for this one forever; they
 * are parsed before it too, so that it stays open only while the batch is written.
 */
export async function applyBatch(
  db: ProjectionDb,
  target: ProjectionTarget,
  readAfter: GlobalPosition,
  events: readonly RecordedEvent[],
): Promise<void> {
  const last = events.at(-1);
  if (!last) return;
  const projected = eventsFor(target.projection, events);
  await db.transaction().execute(async (trx) => {
    await lockCheckpointAt(trx, target, readAfter);
    await applyEvents(trx, target, projected);
    await advanceCheckpoint(trx, target.checkpointName, last.position, events.length);
  });
}

/**
 * Locks the target's checkpoint row and checks it is still at `readAfter`: a second runner on the
 * same projection makes this one fail instead of applying events twice.
 */
export async function lockCheckpointAt(trx: ProjectionDb, target: ProjectionTarget, readAfter: GlobalPosition): Promise<void> {
  await ensureCheckpointRow(trx, target.checkpointName);
  const current = await readCheckpoint(trx, target.checkpointName, { forUpdate: true });
  if (comparePositions(current.position, readAfter) !== 0) {
    throw new CheckpointMovedError(`checkpoint ${target.checkpointName} moved while a batch was read`);
  }
}

/** Hands parsed events to the projection, its unqualified tables resolving to the target's schema. */
export async function applyEvents(trx: ProjectionDb, target: ProjectionTarget, projected: readonly ProjectedEvent[]): Promise<void> {
  if (!projected.length) return;
  await sql`select set_config('search_path', ${`${target.schema}, public`}, true)`.execute(trx);
  await target.projection.applyBatch(trx, projected, target.context);
  await sql`select set_config('search_path', 'public', true)`.execute(trx);
}

/**
 * Each event read parsed once, however many projections it is applied to (a rebuild of several
 * hands the same batch to each). Held weakly: an entry goes with the batch that read it.
 */
const parsed = new WeakMap<RecordedEvent, DomainEvent>();

function parseOnce(recorded: RecordedEvent): DomainEvent {
  let event = parsed.get(recorded);
  if (!event) parsed.set(recorded, (event = parseDomainEvent(recorded.type, recorded.data)));
  return event;
}

/**
 * The events `projection` handles, parsed. The others are skipped unparsed: parsing is most of
 * what they would cost. A type the catalogue does not know still fails the batch (in
 * parseDomainEvent), since it means the log holds events this version cannot read.
 */
export function eventsFor(projection: Projection, events: readonly RecordedEvent[]): ProjectedEvent[] {
  const projected: ProjectedEvent[] = [];
  for (const recorded of events) {
    if (isDomainEventType(recorded.type) && !projection.eventTypes.has(recorded.type)) continue;
    projected.push({ event: parseOnce(recorded), recorded });
  }
  return projected;
}
