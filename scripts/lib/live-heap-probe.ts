/*
 * Preloaded by the finance export benchmark into a child it measures (`node --expose-gc --import
 * <this file> ...`): samples the live heap (live-heap.ts) while the child runs and writes the
 * largest on stderr as it exits. The command under test is not changed.
 */
import { sampleLiveHeap } from './live-heap.ts';

const gc = (globalThis as { gc?: () => void }).gc;
if (!gc) throw new Error('live-heap-probe.ts needs node --expose-gc');
const stop = sampleLiveHeap(gc);
process.on('exit', () => {
  process.stderr.write(`\nlive heap after GC: ${stop()} bytes\n`);
});
