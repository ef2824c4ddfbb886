import type { Clock } from '../../domain/ports/clock.ts';

/** A clock that moves only when told: sleepers wake when `advance` passes their time. */
export interface TestClock extends Clock {
  advance(ms: number): void;
  set(to: Date): void;
  /** How many sleeps are waiting (lets a test wait until a worker has gone to sleep). */
  readonly sleepers: number;
}

export function createTestClock(start = new Date('2026-11-01T00:00:00Z')): TestClock {
  let now = start.getTime();
  const waiting = new Set<{ until: number; wake: () => void }>();
  const wakeDue = () => {
    for (const sleeper of [...waiting]) {
      if (sleeper.until <= now) {
        waiting.delete(sleeper);
        sleeper.wake();
      }
    }
  };
  return {
    now: () => new Date(now),
    sleep(ms, signal) {
      return new Promise<void>((resolve, reject) => {
        if (signal?.aborted) return reject(signal.reason);
        const sleeper = { until: now + Math.max(0, ms), wake: resolve };
        waiting.add(sleeper);
        signal?.addEventListener('abort', () => {
          waiting.delete(sleeper);
          reject(signal.reason);
        }, { once: true });
        wakeDue();
      });
    },
    advance(ms) {
      now += ms;
      wakeDue();
    },
    set(to) {
      now = to.getTime();
      wakeDue();
    },
    get sleepers() {
      return waiting.size;
    },
  };
}
