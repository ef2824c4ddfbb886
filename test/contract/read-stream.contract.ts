import { expect } from 'chai';
import type { ReadStreamOptions } from '../../domain/ports/event-store.ts';
import type { ContractContext } from './event-store.contract.ts';
import { newEvent, uniqueName, untilVisible } from './event-store-helpers.ts';

export function readStreamContract({ store }: ContractContext): void {
  describe('readStream', () => {
    const stream = uniqueName('read-');
    const events = Array.from({ length: 5 }, (_, n) => newEvent('read.numbered', { n }));
    /** Ids of the events at revisions from..to, in that direction. */
    const ids = (from: number, to: number) => {
      const step = from <= to ? 1 : -1;
      return Array.from({ length: Math.abs(to - from) + 1 }, (_, i) => events[from + i * step]!.id);
    };
    const read = async (options: ReadStreamOptions) =>
      (await store().readStream(stream, options)).map((e) => e.id);

    before(async () => {
      // Two calls, with another stream written in between: the stream's revisions stay dense.
      await store().append(stream, events.slice(0, 2));
      await store().append(uniqueName('read-other-'), [newEvent()]);
      await store().append(stream, events.slice(2));
    });

    it('reads forwards from the first event by default', async () => {
      const all = await store().readStream(stream);
      expect(all.map((e) => e.id)).to.deep.equal(ids(0, 4));
      expect(all.map((e) => e.revision)).to.deep.equal([0n, 1n, 2n, 3n, 4n]);
      expect(all.map((e) => e.data)).to.deep.equal([0, 1, 2, 3, 4].map((n) => ({ n })));
    });

    it('reads forwards from a revision (inclusive), up to a limit', async () => {
      expect(await read({ from: 2n })).to.deep.equal(ids(2, 4));
      expect(await read({ from: 1n, limit: 2 })).to.deep.equal(ids(1, 2));
      expect(await read({ direction: 'forwards', limit: 1 })).to.deep.equal(ids(0, 0));
      expect(await read({ from: 4n })).to.deep.equal(ids(4, 4));
      expect(await read({ from: 5n })).to.deep.equal([]);
    });

    it('reads backwards from the last event by default', async () => {
      expect(await read({ direction: 'backwards' })).to.deep.equal(ids(4, 0));
      expect(await read({ direction: 'backwards', limit: 2 })).to.deep.equal(ids(4, 3));
    });

    it('reads backwards from a revision (inclusive)', async () => {
      expect(await read({ direction: 'backwards', from: 2n })).to.deep.equal(ids(2, 0));
      expect(await read({ direction: 'backwards', from: 3n, limit: 2 })).to.deep.equal(ids(3, 2));
      expect(await read({ direction: 'backwards', from: 0n })).to.deep.equal(ids(0, 0));
      expect(await read({ direction: 'backwards', from: 99n })).to.deep.equal(ids(4, 0));
    });

    it('returns nothing for a limit of 0', async () => {
      expect(await read({ limit: 0 })).to.deep.equal([]);
    });

    it('returns [] for a stream that does not exist', async () => {
      const unknown = uniqueName('never-written-');
      expect(await store().readStream(unknown)).to.deep.equal([]);
      expect(await store().readStream(unknown, { direction: 'backwards' })).to.deep.equal([]);
    });

    it('gives each event the same position it has in the global log', async () => {
      const all = await store().readStream(stream);
      await untilVisible(store(), all.at(-1)!.position);
      const global = await store().readAll({ streamPrefixes: [stream] });
      expect(global.map((e) => [e.id, e.position])).to.deep.equal(all.map((e) => [e.id, e.position]));
    });
  });
}
