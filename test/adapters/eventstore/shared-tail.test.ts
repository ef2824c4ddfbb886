import { expect } from 'chai';
import fc from 'fast-check';
import { createSharedTail } from '../../../adapters/eventstore/shared-tail.ts';
import { comparePositions, START, type GlobalPosition, type RecordedEvent } from '../../../domain/ports/event-store.ts';

const STREAMS = ['tenant-a', 'tenant-b', 'dunning-a', 'provisioning-b', 'unrouted'];
const FILTERS: (readonly string[] | undefined)[] = [undefined, ['tenant-'], ['dunning-', 'provisioning-'], ['unrouted'], ['nothing-']];

function event(n: number, stream: string): RecordedEvent {
  return { id: `e${n}`, type: 'T', streamName: stream, revision: 0n, position: { commit: BigInt(n), prepare: BigInt(n) }, data: {}, metadata: {}, recordedAt: new Date(0) };
}

const after = (log: readonly RecordedEvent[], position: GlobalPosition) => log.filter((e) => comparePositions(e.position, position) > 0);
const matching = (events: readonly RecordedEvent[], prefixes: readonly string[] | undefined) => events.filter((e) => !prefixes || prefixes.some((p) => e.streamName.startsWith(p)));

describe('shared tail of the log (subscriptions read the newest events once)', () => {
  it('hands every reader exactly what its own filtered read of the log would, in order, whatever the window holds', async () => {
    const step = fc.oneof(
      fc.record({ kind: fc.constant('append' as const), streams: fc.array(fc.constantFrom(...STREAMS), { maxLength: 12 }) }),
      fc.record({ kind: fc.constant('read' as const), reader: fc.nat(4), limit: fc.integer({ min: 1, max: 7 }) }),
    );
    await fc.assert(
      fc.asyncProperty(fc.array(step, { maxLength: 60 }), fc.integer({ min: 1, max: 10 }), fc.integer({ min: 1, max: 6 }), async (steps, capacity, fetchSize) => {
        const log: RecordedEvent[] = [];
        const tail = createSharedTail({
          readAll: async (from, limit) => {
            return after(log, from).slice(0, limit);
          },
          readFiltered: async (from, limit, prefixes) => {
            const events = matching(after(log, from), prefixes).slice(0, limit);
            return { events, scannedTo: events.at(-1)?.position ?? from };
          },
          capacity,
          fetchSize,
        });
        const readers = FILTERS.map((prefixes) => ({ prefixes, at: START as GlobalPosition, seen: [] as RecordedEvent[] }));
        for (const s of steps) {
          if (s.kind === 'append') {
            for (const stream of s.streams) log.push(event(log.length + 1, stream));
            continue;
          }
          const reader = readers[s.reader]!;
          const batch = await tail.read(reader.at, s.limit, reader.prefixes);
          const expected = matching(after(log, reader.at), reader.prefixes).slice(0, s.limit);
          expect(batch.events.map((e) => e.id)).to.deep.equal(expected.map((e) => e.id));
          // Nothing it should have had lies between where it was and where it is told to go on from.
          const skipped = matching(after(log, reader.at), reader.prefixes).filter((e) => comparePositions(e.position, batch.scannedTo) <= 0);
          expect(skipped.map((e) => e.id)).to.deep.equal(expected.map((e) => e.id));
          reader.seen.push(...batch.events);
          if (comparePositions(batch.scannedTo, reader.at) > 0) reader.at = batch.scannedTo;
        }
        for (const reader of readers) expect(reader.seen.map((e) => e.id)).to.deep.equal(matching(log, reader.prefixes).filter((e) => comparePositions(e.position, reader.at) <= 0).map((e) => e.id));
      }),
      { numRuns: 300 },
    );
  });

  it('serves readers woken by the same notice from one database read; without notices, from one read begun after them all', async () => {
    const log = Array.from({ length: 20 }, (_, i) => event(i + 1, STREAMS[i % STREAMS.length]!));
    const head = log.at(-1)!.position;
    for (const listening of [true, false]) {
      let reads = 0;
      const wakes: (() => void)[] = [];
      const tail = createSharedTail({
        readAll: async (from, limit) => {
          reads++;
          return after(log, from).slice(0, limit);
        },
        readFiltered: async () => {
          throw new Error('no reader is behind the window here');
        },
        capacity: 100,
        fetchSize: 100,
        notices: { subscribe: (wake) => (wakes.push(wake), () => {}), listening: () => listening },
      });
      await tail.read(head, 500, undefined);
      reads = 0;
      for (let i = 0; i < 10; i++) log.push(event(log.length + 1, STREAMS[i % STREAMS.length]!));
      for (const wake of wakes) wake();
      const batches = await Promise.all(FILTERS.map((prefixes) => tail.read(head, 500, prefixes, true)));
      FILTERS.forEach((prefixes, i) => expect(batches[i]!.events.map((e) => e.id)).to.deep.equal(matching(log.slice(20), prefixes).map((e) => e.id)));
      // Without notices the read already under way when the others began may predate what they look for: one more, shared.
      expect(reads).to.equal(listening ? 1 : 2);
      // A poll looks at the log again: the commit a notice told of may have been hidden from the shared look.
      reads = 0;
      await tail.read(log.at(-1)!.position, 500, undefined, false);
      expect(reads).to.equal(1);
    }
  });
});
