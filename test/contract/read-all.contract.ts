import { expect } from 'chai';
import { comparePositions, type RecordedEvent } from '../../domain/ports/event-store.ts';
import type { ContractContext } from './event-store.contract.ts';
import { appendAndRead, newEvent, uniqueName, untilVisible } from './event-store-helpers.ts';

const idsOf = (events: readonly RecordedEvent[]) => events.map((e) => e.id);

function expectStrictlyIncreasing(events: readonly RecordedEvent[]): void {
  for (let i = 1; i < events.length; i++) {
    expect(comparePositions(events[i - 1]!.position, events[i]!.position), `position ${i}`).to.equal(-1);
  }
}

export function readAllContract({ store }: ContractContext): void {
  describe('readAll', () => {
    /** Appends to the streams in the order given and returns the recorded events in that order. */
    async function appendInTurn(streams: readonly string[]): Promise<RecordedEvent[]> {
      const recorded: RecordedEvent[] = [];
      for (const stream of streams) recorded.push(...(await appendAndRead(store(), stream, [newEvent('all.turn', { stream })])));
      await untilVisible(store(), recorded.at(-1)!.position);
      return recorded;
    }

    it('reads every stream in the order appends happened, with bigint positions', async () => {
      const run = uniqueName('all-');
      const recorded = await appendInTurn([`${run}-a`, `${run}-b`, `${run}-a`, `${run}-c`, `${run}-b`]);
      const read = await store().readAll({ streamPrefixes: [run] });
      expect(idsOf(read)).to.deep.equal(idsOf(recorded));
      expect(read.map((e) => [e.streamName, e.revision])).to.deep.equal([
        [`${run}-a`, 0n], [`${run}-b`, 0n], [`${run}-a`, 1n], [`${run}-c`, 0n], [`${run}-b`, 1n],
      ]);
      expectStrictlyIncreasing(read);
      for (const event of read) {
        expect(typeof event.position.commit).to.equal('bigint');
        expect(typeof event.position.prepare).to.equal('bigint');
      }
    });

    it('keeps the events of one append together and in order', async () => {
      const run = uniqueName('all-');
      const events = [newEvent(), newEvent(), newEvent()];
      const recorded = await appendAndRead(store(), `${run}-batch`, events);
      await untilVisible(store(), recorded.at(-1)!.position);
      expect(idsOf(await store().readAll({ streamPrefixes: [run] }))).to.deep.equal(events.map((e) => e.id));
    });

    it('reads strictly after a position', async () => {
      const run = uniqueName('all-');
      const recorded = await appendInTurn([`${run}-a`, `${run}-b`, `${run}-a`, `${run}-b`]);
      const after = await store().readAll({ after: recorded[1]!.position, streamPrefixes: [run] });
      expect(idsOf(after)).to.deep.equal(idsOf(recorded.slice(2)));
      expect(await store().readAll({ after: recorded[3]!.position, streamPrefixes: [run] })).to.deep.equal([]);
    });

    it('reads up to a limit, and pages through the log with after + limit', async () => {
      const run = uniqueName('all-');
      const recorded = await appendInTurn(Array.from({ length: 7 }, (_, i) => `${run}-${i % 3}`));
      expect(idsOf(await store().readAll({ streamPrefixes: [run], limit: 3 }))).to.deep.equal(idsOf(recorded.slice(0, 3)));
      expect(await store().readAll({ streamPrefixes: [run], limit: 0 })).to.deep.equal([]);
      const paged: RecordedEvent[] = [];
      for (;;) {
        const page = await store().readAll({ streamPrefixes: [run], limit: 2, ...(paged.length ? { after: paged.at(-1)!.position } : {}) });
        if (page.length === 0) break;
        expect(page.length).to.be.at.most(2);
        paged.push(...page);
      }
      expect(idsOf(paged)).to.deep.equal(idsOf(recorded));
    });

    it('filters by stream-name prefix, one or several', async () => {
      const run = uniqueName('all-');
      const recorded = await appendInTurn([`${run}tenant-1`, `${run}unrouted`, `${run}tenant-2`, `${run}tenantless`, `${run}provisioning-1`]);
      const byStream = (...names: string[]) => idsOf(recorded.filter((e) => names.some((name) => e.streamName === `${run}${name}`)));
      expect(idsOf(await store().readAll({ streamPrefixes: [`${run}tenant-`] }))).to.deep.equal(byStream('tenant-1', 'tenant-2'));
      expect(idsOf(await store().readAll({ streamPrefixes: [`${run}unrouted`] }))).to.deep.equal(byStream('unrouted'));
      expect(idsOf(await store().readAll({ streamPrefixes: [`${run}unrouted`, `${run}tenant-`] }))).to.deep.equal(
        byStream('tenant-1', 'unrouted', 'tenant-2'),
      );
      expect(await store().readAll({ streamPrefixes: [`${run}nothing-`] })).to.deep.equal([]);
    });

    it('takes _ % and \\ in a prefix literally', async () => {
      const run = uniqueName('all-');
      const recorded = await appendInTurn([`${run}_x`, `${run}ax`, `${run}%y`, `${run}zzy`, `${run}\\z`, `${run}q\\z`]);
      const of = (stream: string) => idsOf(recorded.filter((e) => e.streamName === `${run}${stream}`));
      expect(idsOf(await store().readAll({ streamPrefixes: [`${run}_x`] }))).to.deep.equal(of('_x'));
      expect(idsOf(await store().readAll({ streamPrefixes: [`${run}%y`] }))).to.deep.equal(of('%y'));
      expect(idsOf(await store().readAll({ streamPrefixes: [`${run}\\`] }))).to.deep.equal(of('\\z'));
    });

    it('filters within the window after a position', async () => {
      const run = uniqueName('all-');
      const recorded = await appendInTurn([`${run}t-1`, `${run}u`, `${run}t-2`, `${run}u`, `${run}t-1`]);
      const read = await store().readAll({ after: recorded[1]!.position, streamPrefixes: [`${run}t-`], limit: 5 });
      expect(idsOf(read)).to.deep.equal(idsOf([recorded[2]!, recorded[4]!]));
    });
  });
}
