import { expect } from 'chai';
import fc from 'fast-check';
import { comparePositions, type GlobalPosition, type RecordedEvent } from '../../domain/ports/event-store.ts';
import type { ContractContext } from './event-store.contract.ts';
import { newEvent, uniqueName, untilVisible } from './event-store-helpers.ts';

/**
 * Each stream's events, in the order the global log returned them, must have ascending
 * revisions: a subscriber (the process manager, a projection) that reads rev 11 before rev 10
 * acts on a stream's history out of order. Returns one line per stream that breaks this, with
 * the number of inversions (an event read after a higher revision of its stream).
 */
function streamOrderViolations(read: readonly RecordedEvent[]): { inversions: number; streams: string[] } {
  const last = new Map<string, bigint>();
  const byStream = new Map<string, number>();
  let inversions = 0;
  for (const event of read) {
    const previous = last.get(event.streamName);
    if (previous !== undefined && event.revision <= previous) {
      inversions += 1;
      byStream.set(event.streamName, (byStream.get(event.streamName) ?? 0) + 1);
    }
    last.set(event.streamName, previous === undefined || event.revision > previous ? event.revision : previous);
  }
  return { inversions, streams: [...byStream].map(([stream, count]) => `${stream}: ${count}`) };
}

export function streamOrderContract({ store }: ContractContext): void {
  describe('stream order in the global log', () => {
    // DESIGN, "Global order in Postgres", consequence 1. Concurrent appends to new streams are
    // what exposed it: each stream is created by the first of its ~20 racing appends.
    it('gives each stream its revisions in ascending order, whatever the concurrency', async function () {
      this.timeout(60_000);
      await fc.assert(
        fc.asyncProperty(
          fc.record({
            streams: fc.integer({ min: 25, max: 30 }),
            appendsPerStream: fc.integer({ min: 18, max: 22 }),
            // Each append's size: 1 or 2 events, chosen per append from this pattern.
            sizes: fc.array(fc.integer({ min: 1, max: 2 }), { minLength: 1, maxLength: 7 }),
          }),
          async ({ streams: streamCount, appendsPerStream, sizes: pattern }) => {
            const streams = Array.from({ length: streamCount }, (_, i) =>
              Array.from({ length: appendsPerStream }, (_, k) => pattern[(i + k) % pattern.length]!),
            );
            const run = uniqueName('order-');
            const names = streams.map((_, i) => `${run}-${i}`);
            // Stream by stream, so that a pool's connections all take appends to one new stream.
            const appends = streams.flatMap((sizes, i) =>
              sizes.map((size) => store().append(names[i]!, Array.from({ length: size }, () => newEvent('order.appended')))),
            );
            await Promise.all(appends);

            const expected = streams.reduce((sum, sizes) => sum + sizes.reduce((a, b) => a + b, 0), 0);
            let newest: GlobalPosition | undefined;
            for (const name of names) {
              const last = (await store().readStream(name, { direction: 'backwards', limit: 1 }))[0]!;
              if (!newest || comparePositions(last.position, newest) > 0) newest = last.position;
            }
            await untilVisible(store(), newest!);
            const read = await store().readAll({ streamPrefixes: [run] });
            expect(read, 'every appended event is in the global log').to.have.length(expected);
            const { inversions, streams: broken } = streamOrderViolations(read);
            expect(
              inversions,
              `${inversions} revision inversions in ${broken.length} of ${names.length} streams (${broken.slice(0, 5).join(', ')}${broken.length > 5 ? ', ...' : ''})`,
            ).to.equal(0);
          },
        ),
        // Shrinking would replay thousands of appends per step; the counts say enough.
        { numRuns: 2, endOnFailure: true },
      );
    });
  });
}
