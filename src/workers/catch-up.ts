import { comparePositions, type EventStore, type GlobalPosition } from '../../domain/ports/event-store.ts';
import type { ProjectionDb } from '../../projections/projection.ts';
import { CheckpointMovedError, type ProjectionTarget } from './apply-batch.ts';
import { readCheckpoint } from './checkpoints.ts';
import { applyOrSetAside, DEFAULT_SET_ASIDE_POLICY, type SetAsideEvent, type SetAsidePolicy } from './set-aside.ts';

const BATCH_SIZE = 500;

export interface CatchUpOptions {
  /** Stop at this position (inclusive) instead of the visible head. */
  readonly until?: GlobalPosition | undefined;
  readonly batchSize?: number;
  readonly onProgress?: (applied: number) => void;
  /** Awaited after each batch is applied, before the next is read. */
  readonly afterBatch?: (applied: number) => Promise<void>;
  readonly setAside?: SetAsidePolicy;
}

/**
 * Reads and applies batches until the target has seen everything visible now (or `until`),
 * setting aside events it cannot apply. Returns how many events it applied and what it set aside.
 */
export async function catchUp(
  store: EventStore,
  db: ProjectionDb,
  target: ProjectionTarget,
  options: CatchUpOptions = {},
): Promise<{ applied: number; setAside: SetAsideEvent[] }> {
  let applied = 0;
  const setAside: SetAsideEvent[] = [];
  for (;;) {
    options.setAside?.signal?.throwIfAborted();
    const { position } = await readCheckpoint(db, target.checkpointName);
    let events = await store.readAll({
      after: position,
      streamPrefixes: target.projection.streamPrefixes,
      limit: options.batchSize ?? BATCH_SIZE,
    });
    const until = options.until;
    if (until) events = events.filter((e) => comparePositions(e.position, until) <= 0);
    if (!events.length) return { applied, setAside };
    try {
      const aside = await applyOrSetAside(db, target, position, events, options.setAside ?? DEFAULT_SET_ASIDE_POLICY);
      setAside.push(...aside);
      applied += events.length - aside.length;
    } catch (error) {
      // A live runner (say, `serve` beside a rebuild) applied these first: read on from there.
      if (error instanceof CheckpointMovedError) continue;
      throw error;
    }
    options.onProgress?.(applied);
    await options.afterBatch?.(applied);
  }
}
