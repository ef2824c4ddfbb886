import type { EventStore, GlobalPosition } from '../../domain/ports/event-store.ts';
import { comparePositions } from '../../domain/ports/event-store.ts';
import type { ProjectionDb } from '../../projections/projection.ts';
import { setTimeout as sleep } from 'node:timers/promises';
import type { LeaseProvider } from '../../adapters/db/advisory-lease.ts';
import type { Logger } from '../logger.ts';
import { applyBatch, CheckpointMovedError, type ProjectionTarget } from './apply-batch.ts';
import { readCheckpoint, recordCheckpointError } from './checkpoints.ts';

const BATCH_SIZE = 500;

/**
 * Reads and applies batches until the projection has seen everything visible now (or `until`).
 * Returns the number of events applied.
 */
export async function catchUp(
  store: EventStore,
  db: ProjectionDb,
  target: ProjectionTarget,
  options: { until?: GlobalPosition; batchSize?: number; onProgress?: (applied: number) => void } = {},
): Promise<number> {
  let applied = 0;
  for (;;) {
    const { position } = await readCheckpoint(db, target.checkpointName);
    let events = await store.readAll({
      after: position,
      streamPrefixes: target.projection.streamPrefixes,
      limit: options.batchSize ?? BATCH_SIZE,
    });
    const until = options.until;
    if (until) events = events.filter((e) => comparePositions(e.position, until) <= 0);
    if (!events.length) return applied;
    try {
      await applyBatch(db, target, position, events);
    } catch (error) {
      // A live runner (say, `serve` beside a rebuild) applied these first: read on from there.
      if (error instanceof CheckpointMovedError) continue;
      throw error;
    }
    applied += events.length;
    options.onProgress?.(applied);
  }
}

export interface RunningProjection {
  stop(): Promise<void>;
}

export interface RunnerHooks {
  applied?(projection: string, events: number): void;
  failed?(projection: string): void;
}

export interface RunnerOptions {
  readonly hooks?: RunnerHooks;
  /**
   * Where several instances share one database, only the lease holder runs the projection; the
   * others wait to take over. Without it (the embedded store has one process) it always runs.
   */
  readonly leases?: LeaseProvider;
}

class LeaseLostError extends Error {
  override readonly name = 'LeaseLostError';
}

/**
 * Follows the log for one projection until stopped. A failing batch is logged, recorded on the
 * checkpoint row (visible in `projections status`) and retried from the checkpoint with backoff.
 */
export function runProjection(store: EventStore, db: ProjectionDb, target: ProjectionTarget, logger: Logger, options: RunnerOptions = {}): RunningProjection {
  const { hooks = {}, leases } = options;
  const stopping = new AbortController();
  let current: { stop(): Promise<void> } | undefined;
  const log = logger.child({ projection: target.projection.name });

  const loop = async () => {
    let failures = 0;
    while (!stopping.signal.aborted) {
      const lease = leases ? await leases.acquire(`projection:${target.checkpointName}`, stopping.signal) : null;
      if (stopping.signal.aborted) {
        await lease?.release();
        break;
      }
      try {
        let readAfter = (await readCheckpoint(db, target.checkpointName)).position;
        const subscription = store.subscribe({
          after: readAfter,
          streamPrefixes: target.projection.streamPrefixes,
          batchSize: BATCH_SIZE,
          onBatch: async (events) => {
            await applyBatch(db, target, readAfter, events);
            readAfter = events.at(-1)!.position;
            failures = 0;
            hooks.applied?.(target.projection.name, events.length);
          },
        });
        current = subscription;
        const leaseLost = lease?.lost.then(() => Promise.reject(new LeaseLostError('the lease connection failed')));
        leaseLost?.catch(() => {});
        await (leaseLost ? Promise.race([subscription.done, leaseLost]) : subscription.done);
      } catch (error) {
        await current?.stop().catch(() => {});
        if (stopping.signal.aborted) break;
        if (error instanceof CheckpointMovedError) {
          log.warn('another runner advanced this projection; resuming from its checkpoint');
        } else if (error instanceof LeaseLostError) {
          log.warn('lost the lease on this projection; taking it again before going on');
        } else {
          failures++;
          hooks.failed?.(target.projection.name);
          log.error({ err: error, failures }, 'projection batch failed; retrying from the checkpoint');
          await recordCheckpointError(db, target.checkpointName, error).catch(() => {});
        }
        const delay = Math.min(30_000, 200 * 2 ** Math.min(failures, 8)) * (0.5 + Math.random() / 2);
        await sleep(delay, undefined, { signal: stopping.signal }).catch(() => {});
      } finally {
        await lease?.release();
      }
    }
  };
  const done = loop();
  return {
    async stop() {
      stopping.abort();
      await current?.stop();
      await done;
    },
  };
}
