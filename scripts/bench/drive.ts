/** Load generation shared by every measurement of the benchmark, so the ceilings and the ledger are driven alike. */

export interface Driven {
  readonly count: number;
  readonly perSecond: number;
  readonly p50: number;
  readonly p99: number;
}

export const percentile = (sorted: readonly number[], p: number) => sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))] ?? NaN;

function summary(latencies: number[], seconds: number, count = latencies.length): Driven {
  latencies.sort((a, b) => a - b);
  return { count, perSecond: count / seconds, p50: percentile(latencies, 50), p99: percentile(latencies, 99) };
}

/** Runs `count` tasks with `concurrency` in flight at once (closed loop); latency per task. */
export async function drive(count: number, concurrency: number, task: (index: number) => Promise<unknown>): Promise<Driven> {
  const latencies: number[] = [];
  let next = 0;
  const started = performance.now();
  await Promise.all(
    Array.from({ length: concurrency }, async () => {
      while (next < count) {
        const index = next++;
        const began = performance.now();
        await task(index);
        latencies.push(performance.now() - began);
      }
    }),
  );
  return summary(latencies, (performance.now() - started) / 1000);
}

/** Starts `rate` tasks a second for `seconds` (open loop: a slow answer does not slow the arrivals). */
export async function driveAtRate(rate: number, seconds: number, task: (index: number) => Promise<unknown>): Promise<Driven> {
  const total = Math.round(rate * seconds);
  const started = performance.now();
  const latencies: number[] = [];
  const running: Promise<void>[] = [];
  for (let index = 0; index < total; index++) {
    const due = started + (index * 1000) / rate;
    const wait = due - performance.now();
    if (wait > 1) await new Promise((resolve) => setTimeout(resolve, wait));
    const began = performance.now();
    running.push(task(index).then(() => { latencies.push(performance.now() - began); }));
  }
  await Promise.all(running);
  return summary(latencies, (performance.now() - started) / 1000);
}

export const fmt = (driven: Driven, unit: string) =>
  `${Math.round(driven.perSecond)} ${unit}/s, p50 ${driven.p50.toFixed(1)} ms, p99 ${driven.p99.toFixed(1)} ms`;
