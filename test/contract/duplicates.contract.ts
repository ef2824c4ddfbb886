import { expect } from 'chai';
import { WrongExpectedRevisionError } from '../../domain/ports/event-store.ts';
import type { ContractContext } from './event-store.contract.ts';
import { newEvent, rejection, uniqueName } from './event-store-helpers.ts';

/** Stripe redelivers; an event id derived from the Stripe event id must be stored once. */
export function duplicatesContract({ store }: ContractContext): void {
  describe('duplicate event ids', () => {
    it('stores an id repeated within one call once and reports the repeat', async () => {
      const stream = uniqueName('dup-');
      const [a, b] = [newEvent(), newEvent()];
      const result = await store().append(stream, [a!, b!, a!]);
      expect(result).to.deep.equal({ nextRevision: 1n, appended: [a!.id, b!.id], duplicates: [a!.id] });
      expect((await store().readStream(stream)).map((e) => e.id)).to.deep.equal([a!.id, b!.id]);
    });

    it('reports ids the stream already holds and stores nothing on redelivery', async () => {
      const stream = uniqueName('dup-');
      const [a, b] = [newEvent(), newEvent()];
      await store().append(stream, [a!, b!]);
      const before = await store().readStream(stream);
      const again = await store().append(stream, [b!, a!]);
      expect(again).to.deep.equal({ nextRevision: 1n, appended: [], duplicates: [b!.id, a!.id] });
      expect(await store().readStream(stream)).to.deep.equal(before);
    });

    it('accepts a redelivery whatever the expected revision says', async () => {
      const stream = uniqueName('dup-');
      const a = newEvent();
      await store().append(stream, [a, newEvent()]);
      for (const expectedRevision of ['no_stream', 'stream_exists', 0n, 7n, 'any'] as const) {
        const result = await store().append(stream, [a], { expectedRevision });
        expect(result, String(expectedRevision)).to.deep.equal({ nextRevision: 1n, appended: [], duplicates: [a.id] });
      }
      expect(await store().readStream(stream)).to.have.length(2);
    });

    it('appends the new events of a mixed call and reports the rest', async () => {
      const stream = uniqueName('dup-');
      const [a, b, c] = [newEvent(), newEvent(), newEvent()];
      await store().append(stream, [a!]);
      const result = await store().append(stream, [b!, a!, c!], { expectedRevision: 0n });
      expect(result).to.deep.equal({ nextRevision: 2n, appended: [b!.id, c!.id], duplicates: [a!.id] });
      expect((await store().readStream(stream)).map((e) => [e.id, e.revision])).to.deep.equal([[a!.id, 0n], [b!.id, 1n], [c!.id, 2n]]);
    });

    it('checks the expected revision when a call holds any new event', async () => {
      const stream = uniqueName('dup-');
      const [a, b] = [newEvent(), newEvent()];
      await store().append(stream, [a!, newEvent()]);
      const error = await rejection(store().append(stream, [a!, b!], { expectedRevision: 0n }));
      expect(error).to.be.instanceOf(WrongExpectedRevisionError);
      expect(error).to.include({ expected: 0n, actual: 1n });
      expect((await store().readStream(stream)).map((e) => e.id)).not.to.include(b!.id);
    });

    it('matches ids without regard to letter case', async () => {
      const stream = uniqueName('dup-');
      const a = newEvent();
      await store().append(stream, [a]);
      const result = await store().append(stream, [{ ...a, id: a.id.toUpperCase() }]);
      expect(result.appended).to.deep.equal([]);
      expect(result.duplicates.map((id) => id.toLowerCase())).to.deep.equal([a.id]);
      expect(await store().readStream(stream)).to.have.length(1);
    });

    /*
     * An event id is unique within its stream's category (the name up to its first `-`): a
     * Stripe event lives in one `tenant-…` stream at most, and its parked copy in `unrouted`
     * (a category of its own) may share its id.
     */
    it('treats an id another stream of the same category holds as a duplicate, stored nowhere again', async () => {
      const category = uniqueName('claims');
      const [a, b] = [newEvent(), newEvent()];
      await store().append(`${category}-first`, [a!]);
      for (const expectedRevision of ['no_stream', 'stream_exists', 0n, 'any'] as const) {
        const result = await store().append(`${category}-second`, [a!], { expectedRevision });
        expect(result, String(expectedRevision)).to.deep.equal({ nextRevision: -1n, appended: [], duplicates: [a!.id] });
      }
      const mixed = await store().append(`${category}-second`, [a!, b!], { expectedRevision: 'no_stream' });
      expect(mixed).to.deep.equal({ nextRevision: 0n, appended: [b!.id], duplicates: [a!.id] });
      expect((await store().readStream(`${category}-second`)).map((e) => e.id)).to.deep.equal([b!.id]);
      expect((await store().readStream(`${category}-first`)).map((e) => e.id)).to.deep.equal([a!.id]);
      // The whole name is the category of a name without `-`: `tenant` and `tenant-x` share one.
      expect((await store().append(category, [a!, b!])).duplicates).to.deep.equal([a!.id, b!.id]);
      expect(await store().readStream(category)).to.deep.equal([]);
    });

    it('lets a stream of another category hold the same id', async () => {
      const a = newEvent();
      const [first, other] = [uniqueName('claims'), uniqueName('claims')];
      await store().append(`${first}-x`, [a]);
      expect((await store().append(`${other}-x`, [a])).appended).to.deep.equal([a.id]);
      expect((await store().readStream(`${other}-x`)).map((e) => e.id)).to.deep.equal([a.id]);
    });

    it('stores an id appended at once to two streams of one category exactly once', async () => {
      const category = uniqueName('claims');
      const ids = Array.from({ length: 20 }, () => newEvent());
      const results = await Promise.all(
        ids.flatMap((event, i) => [store().append(`${category}-left${i}`, [event]), store().append(`${category}-right${i}`, [event])]),
      );
      for (let i = 0; i < ids.length; i++) {
        const [left, right] = [results[2 * i]!, results[2 * i + 1]!];
        expect([...left.appended, ...right.appended], `event ${i}: appended once`).to.deep.equal([ids[i]!.id]);
        expect([...left.duplicates, ...right.duplicates], `event ${i}: one duplicate`).to.deep.equal([ids[i]!.id]);
        const stored = [...(await store().readStream(`${category}-left${i}`)), ...(await store().readStream(`${category}-right${i}`))];
        expect(stored.map((e) => e.id), `event ${i}: stored once`).to.deep.equal([ids[i]!.id]);
      }
    });

    it('lets the same id live in two streams (an event re-routed out of unrouted)', async () => {
      const a = newEvent();
      const parked = uniqueName('unrouted-');
      const tenant = uniqueName('tenant-');
      await store().append(parked, [a]);
      expect((await store().append(tenant, [a])).appended).to.deep.equal([a.id]);
      expect((await store().readStream(tenant)).map((e) => e.id)).to.deep.equal([a.id]);
    });
  });
}
