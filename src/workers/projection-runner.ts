import { setTimeout as sleep } from 'node:timers/promises';
import type { LeaseProvider } from '../../adapters/db/advisory-lease.ts';
import type { EventStore, RecordedEvent } from '../../domain/ports/event-store.ts';
import type { ProjectionDb } from '../../projections/projection.ts';
import { describeError } from '../describe-error.ts';
import type { Logger } from '../logger.ts';
import { CheckpointMovedError, type ProjectionTarget } from './apply-batch.ts';
import { readCheckpoint, recordCheckpointError } from './checkpoints.ts';
import { liveVersion } from './projection-versions.ts';
import { rebuildProjection } from './rebuild.ts';
import { applyOrSetAside, DEFAULT_SET_ASIDE_POLICY } from './set-aside.ts';
import type { CaughtUp } from './startup-catch-up.ts';

const BATCH_SIZE = 500;

export interface RunningProjection {
  stop(): Promise<void>;
}

export interface RunnerHooks {
  applied?(projection: string, events: number): void;
  failed?(projection: string): void;
  setAside?(projection: string): void;
}

export interface RunnerOptions {
  readonly hooks?: RunnerHooks;
  /**
   * Where several instances share one database, only the lease holder runs the projection; the
   * others wait to take over. Without it (the embedded store has one process) it always runs.
   */
  readonly leases?: LeaseProvider | undefined;
  /** Tries per event before it is set aside (default 3). */
  readonly attempts?: number;
  /**
   * Brings the projection to the head before the runner follows the log, sharing the reads with
   * the process's other runners (`createStartupCatchUp`). Without it the runner reads alone.
   */
  readonly catchUp?: (target: ProjectionTarget) => Promise<CaughtUp>;
}

class LeaseLostError extends Error {
  override readonly name = 'LeaseLostError';
}

/**
 * Follows the log for one projection until stopped. Holding the lease, it first rebuilds the
 * projection if its tables were built by another version, then applies batches as they come. An
 * event that fails after its retries is set aside (logged at error, counted, listed by
 * `projections failures`) and the projection moves on. A failure that does not lie in the
 * events (the database away) is logged, recorded on the checkpoint row and waited out with
 * backoff, resuming from the checkpoint.
 */
export function runProjection(store: EventStore, db: ProjectionDb, target: ProjectionTarget, logger: Logger, options: RunnerOptions = {}): RunningProjection {
  const { hooks = {}, leases } = options;
  const name = target.projection.name;
  const stopping = new AbortController();
  let current: { stop(): Promise<void> } | undefined;
  const log = logger.child({ projection: name });
  const policy = {
    ...DEFAULT_SET_ASIDE_POLICY,
    attempts: options.attempts ?? DEFAULT_SET_ASIDE_POLICY.attempts,
    signal: stopping.signal,
    onSetAside(event: RecordedEvent, error: unknown) {
      const { message, code } = describeError(error);
      reportSetAside({ eventId: event.id, stream: event.streamName, revision: event.revision, eventType: event.type, error: message, errorCode: code });
    },
  };
  function reportSetAside(details: Record<string, unknown>) {
    hooks.setAside?.(name);
    log.error(details, 'event set aside: it failed after every retry; the projection goes on without it (see `ledger projections failures`)');
  }

  const upgradeIfOutdated = async () => {
    const version = await liveVersion(db, target.projection);
    if (!version.outdated) return;
    log.warn({ builtBy: version.builtBy, version: version.current }, 'tables built by another version: rebuilding them from the log; the API reads the old ones until the swap');
    const report = await rebuildProjection(store, db, target.projection, target.context, { setAside: policy, leases, signal: stopping.signal });
    log.info({ eventsApplied: report.eventsApplied, seconds: Number(report.seconds.toFixed(3)), setAside: report.setAside.length }, 'rebuilt tables swapped in');
  };

  const loop = async () => {
    let failures = 0;
    while (!stopping.signal.aborted) {
      const lease = leases ? await leases.acquire(`projection:${target.checkpointName}`, stopping.signal) : null;
      if (stopping.signal.aborted) {
        await lease?.release();
        break;
      }
      if (lease) log.info('took the lease: this instance runs the projection');
      try {
        await upgradeIfOutdated();
        if (options.catchUp) {
          const caughtUp = await options.catchUp(target);
          if (caughtUp.applied) hooks.applied?.(name, caughtUp.applied);
          for (const e of caughtUp.setAside) reportSetAside({ eventId: e.eventId, stream: e.stream, revision: e.revision, eventType: e.type, error: e.error });
        }
        let readAfter = (await readCheckpoint(db, target.checkpointName)).position;
        const subscription = store.subscribe({
          after: readAfter,
          streamPrefixes: target.projection.streamPrefixes,
          batchSize: BATCH_SIZE,
          onBatch: async (events) => {
            const setAside = await applyOrSetAside(db, target, readAfter, events, policy);
            readAfter = events.at(-1)!.position;
            failures = 0;
            hooks.applied?.(name, events.length - setAside.length);
          },
        });
        current = subscription;
        // Told to stop while it prepared (after the lease, before this): nothing stopped this yet.
        if (stopping.signal.aborted) await subscription.stop();
        const leaseLost = lease?.lost.then(() => Promise.reject(new LeaseLostError('the lease connection failed')));
        leaseLost?.catch(() => {});
        await (leaseLost ? Promise.race([subscription.done, leaseLost]) : subscription.done);
      } catch (error) {
        await current?.stop().catch(() => {});
        if (stopping.signal.aborted) break;
        if (error instanceof CheckpointMovedError) {
          log.warn('another runner advanced this projection; resuming from its checkpoint');
        } else if (error instanceof LeaseLostError) {
          log.warn('lost the lease (its connection failed); taking it again before going on');
        } else {
          failures++;
          hooks.failed?.(name);
          log.error({ err: error, failures }, 'projection failed; retrying from the checkpoint');
          await recordCheckpointError(db, target.checkpointName, error).catch(() => {});
        }
        const delay = Math.min(30_000, 200 * 2 ** Math.min(failures, 8)) * (0.5 + Math.random() / 2);
        await sleep(delay, undefined, { signal: stopping.signal }).catch(() => {});
      } finally {
        if (lease) {
          await lease.release();
          log.info('released the lease');
        }
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
