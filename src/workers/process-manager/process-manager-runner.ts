import { setTimeout as sleep } from 'node:timers/promises';
import type { LeaseProvider } from '../../../adapters/db/advisory-lease.ts';
import type { GlobalPosition } from '../../../domain/ports/event-store.ts';
import { TENANT_STREAM_PREFIX } from '../../../domain/routing/streams.ts';
import { advanceCheckpoint, ensureCheckpointRow, readCheckpoint, recordCheckpointError } from '../checkpoints.ts';
import { dispatchEvents } from './dispatch-events.ts';
import type { ProcessContext, ProcessDefinition } from './process.ts';

/** Its position in the log, kept beside the projections' checkpoints. */
export const PROCESS_MANAGER_CHECKPOINT = 'process-manager';

export interface ProcessManagerOptions extends ProcessContext {
  readonly processes: readonly ProcessDefinition[];
  /** Where several instances share one database, only the lease holder acts. The embedded store has one process. */
  readonly leases?: LeaseProvider | undefined;
  /** Longest pause between looks for due work, whatever the processes say (real time). */
  readonly pollMs: number;
  /** Tries per event and process before the event is set aside (default 3). */
  readonly attempts?: number;
}

export interface RunningProcessManager {
  /** Looks for due work now (tests; the runner wakes itself after each batch). */
  wake(): void;
  stop(): Promise<void>;
}

class LeaseLostError extends Error {
  override readonly name = 'LeaseLostError';
}

/**
 * The process manager: holding the lease, it follows the tenant streams from its checkpoint,
 * hands each event to the processes reacting to it and then moves the checkpoint (a crash
 * repeats a batch, which the processes take idempotently); beside that, a loop runs each
 * process's due work and sleeps on the clock until the earliest due time (bounded by `pollMs`,
 * so work recorded by another process, such as an operator's retry, is seen).
 */
export function runProcessManager(options: ProcessManagerOptions): RunningProcessManager {
  const { store, db, clock, logger, processes, leases } = options;
  const context: ProcessContext = { store, db, clock, logger: options.logger, ports: options.ports };
  const stopping = new AbortController();
  const log = logger.child({ worker: 'process-manager' });
  let wakeUp: (() => void) | undefined;
  let woken = false;
  const wake = () => {
    woken = true;
    wakeUp?.();
  };

  const dueLoop = async (signal: AbortSignal) => {
    while (!signal.aborted) {
      woken = false;
      let earliest = Date.now() + options.pollMs;
      let earliestOnClock: number | null = null;
      for (const process of processes) {
        try {
          const due = await process.runDue(context);
          if (due && (earliestOnClock === null || due.getTime() < earliestOnClock)) earliestOnClock = due.getTime();
        } catch (error) {
          if (signal.aborted) return;
          log.error({ err: error, process: process.name }, 'due work failed; looking again at the next poll');
        }
      }
      if (woken || signal.aborted) continue;
      earliest = earliest - Date.now();
      const pause = new AbortController();
      const onAbort = () => pause.abort();
      signal.addEventListener('abort', onAbort, { once: true });
      wakeUp = () => pause.abort();
      const waits: Promise<unknown>[] = [sleep(Math.max(0, earliest), undefined, { signal: pause.signal })];
      if (earliestOnClock !== null) waits.push(clock.sleep(Math.max(0, earliestOnClock - clock.now().getTime()), pause.signal));
      await Promise.race(waits).catch(() => {});
      pause.abort();
      signal.removeEventListener('abort', onAbort);
      wakeUp = undefined;
    }
  };

  const loop = async () => {
    let failures = 0;
    while (!stopping.signal.aborted) {
      const lease = leases ? await leases.acquire(PROCESS_MANAGER_CHECKPOINT, stopping.signal) : null;
      if (stopping.signal.aborted) {
        await lease?.release();
        break;
      }
      if (lease) log.info('took the lease: this instance runs the process manager');
      const term = new AbortController();
      const stopTerm = () => term.abort();
      stopping.signal.addEventListener('abort', stopTerm, { once: true });
      let subscription: { stop(): Promise<void>; done: Promise<void> } | undefined;
      let due: Promise<void> | undefined;
      try {
        await ensureCheckpointRow(db, PROCESS_MANAGER_CHECKPOINT);
        let readAfter: GlobalPosition = (await readCheckpoint(db, PROCESS_MANAGER_CHECKPOINT)).position;
        subscription = store.subscribe({
          after: readAfter,
          streamPrefixes: [TENANT_STREAM_PREFIX],
          onBatch: async (events) => {
            const handled = await dispatchEvents(events, processes, context, { attempts: options.attempts ?? 3, backoffMs: 100, signal: term.signal });
            readAfter = events.at(-1)!.position;
            await advanceCheckpoint(db, PROCESS_MANAGER_CHECKPOINT, readAfter, handled);
            failures = 0;
            if (handled > 0) wake();
          },
        });
        due = dueLoop(term.signal);
        const leaseLost = lease?.lost.then(() => Promise.reject(new LeaseLostError('the lease connection failed')));
        leaseLost?.catch(() => {});
        const stopped = new Promise<void>((resolve) => {
          if (term.signal.aborted) resolve();
          else term.signal.addEventListener('abort', () => resolve(), { once: true });
        });
        await Promise.race([subscription.done, stopped, ...(leaseLost ? [leaseLost] : [])]);
      } catch (error) {
        if (!stopping.signal.aborted) {
          if (error instanceof LeaseLostError) {
            log.warn('lost the lease (its connection failed); taking it again before going on');
          } else {
            failures++;
            log.error({ err: error, failures }, 'process manager failed; resuming from its checkpoint');
            await recordCheckpointError(db, PROCESS_MANAGER_CHECKPOINT, error).catch(() => {});
          }
        }
      } finally {
        term.abort();
        stopping.signal.removeEventListener('abort', stopTerm);
        await subscription?.stop().catch(() => {});
        await due;
        if (lease) {
          await lease.release();
          log.info('released the lease');
        }
      }
      if (stopping.signal.aborted) break;
      const delay = Math.min(30_000, 200 * 2 ** Math.min(failures, 8)) * (0.5 + Math.random() / 2);
      await sleep(delay, undefined, { signal: stopping.signal }).catch(() => {});
    }
  };
  const done = loop();
  return {
    wake,
    async stop() {
      stopping.abort();
      await done;
    },
  };
}
