/**
 * The live heap of a process while it works: a full collection every `everyMs`, then
 * `heapUsed`, the largest kept. What the process still references, not the garbage V8 has yet
 * to collect (which RSS includes): a figure that grows with the work done is memory kept.
 */
export function sampleLiveHeap(gc: () => void, everyMs = 200): () => number {
  let peak = 0;
  const sample = () => {
    gc();
    peak = Math.max(peak, process.memoryUsage().heapUsed);
  };
  const timer = setInterval(sample, everyMs);
  timer.unref();
  return () => {
    clearInterval(timer);
    sample();
    return peak;
  };
}

/** The line `live-heap-probe.ts` ends a process's stderr with. */
export const LIVE_HEAP_LINE = /^live heap after GC: (\d+) bytes$/m;
