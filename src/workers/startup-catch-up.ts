import { setTimeout as sleep } from 'node:timers/promises';
import type { EventStore } from '../../domain/ports/event-store.ts';
import type { ProjectionDb } from '../../projections/projection.ts';
import type { ProjectionTarget } from './apply-batch.ts';
import { catchUpLiveTargets } from './catch-up-live-targets.ts';
import type { SetAsideEvent, SetAsidePolicy } from './set-aside.ts';

/** What a runner's catch-up applied and set aside before it went on to follow the log. */
export interface CaughtUp {
  readonly applied: number;
  readonly setAside: readonly SetAsideEvent[];
}

/**
 * How long the first catch-up waits for every runner of the process to ask (each asks once it
 * holds its lease and has checked its tables' version; on the embedded store, one query at a
 * time, that takes a while), and how long a later one waits for company.
 */
const FIRST_GATHER_MS = 2_000;
const GATHER_MS = 50;

/**
 * The catch-up the runners of one process share before each follows the log on its own. A
 * runner far behind (read models in a new database beside a long log, or a process that was down
 * for days) read the log alone, 500 events at a time, as every other runner did: a million
 * events were read and parsed once per projection. Runners that ask within a moment of each
 * other are brought to the head together (`catchUpLiveTargets`), each under its own checkpoint
 * and lease; one that asks while a catch-up runs waits for the next.
 */
export function createStartupCatchUp(store: EventStore, db: ProjectionDb, policy: SetAsidePolicy, runners: number) {
  interface Request {
    readonly target: ProjectionTarget;
    resolve(result: CaughtUp): void;
    reject(error: unknown): void;
  }
  let waiting: Request[] = [];
  let running = false;
  let first = true;
  let everyoneAsked = () => {};

  const run = async (): Promise<void> => {
    running = true;
    try {
      if (first) {
        // Runners whose lease another instance holds never ask: the wait is bounded.
        const asked = new Promise<void>((resolve) => (everyoneAsked = resolve));
        if (waiting.length >= runners) everyoneAsked();
        await Promise.race([asked, sleep(FIRST_GATHER_MS, undefined, { signal: policy.signal }).catch(() => {})]);
        first = false;
      } else {
        await sleep(GATHER_MS);
      }
      const requests = waiting;
      waiting = [];
      try {
        const results = await catchUpLiveTargets(store, db, requests.map((r) => ({ target: r.target })), { setAside: policy });
        requests.forEach((r, i) => r.resolve(results[i]!));
      } catch (error) {
        for (const r of requests) r.reject(error);
      }
    } finally {
      running = false;
      if (waiting.length) void run();
    }
  };

  return {
    /** Brings `target` to the head of the log, with whichever runners ask at the same time. */
    catchUp(target: ProjectionTarget): Promise<CaughtUp> {
      return new Promise((resolve, reject) => {
        waiting.push({ target, resolve, reject });
        if (first && waiting.length >= runners) everyoneAsked();
        if (!running) void run();
      });
    },
  };
}
