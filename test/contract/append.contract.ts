import { expect } from 'chai';
import { WrongExpectedRevisionError, type Json } from '../../domain/ports/event-store.ts';
import type { ContractContext } from './event-store.contract.ts';
import { newEvent, rejection, uniqueName } from './event-store-helpers.ts';

export function appendContract({ store }: ContractContext): void {
  describe('append', () => {
    it('starts a stream with no_stream and numbers its events from revision 0', async () => {
      const stream = uniqueName('append-');
      const events = [newEvent('a.first', { n: 1 }), newEvent('a.second', { n: 2 })];
      const result = await store().append(stream, events, { expectedRevision: 'no_stream' });
      expect(result).to.deep.equal({ nextRevision: 1n, appended: events.map((e) => e.id), duplicates: [] });

      const read = await store().readStream(stream);
      expect(read.map((e) => [e.id, e.type, e.streamName, e.revision])).to.deep.equal([
        [events[0]!.id, 'a.first', stream, 0n],
        [events[1]!.id, 'a.second', stream, 1n],
      ]);
      for (const event of read) {
        expect(typeof event.revision).to.equal('bigint');
        expect(typeof event.position.commit).to.equal('bigint');
        expect(typeof event.position.prepare).to.equal('bigint');
        expect(event.recordedAt).to.be.instanceOf(Date);
        expect(Math.abs(event.recordedAt.getTime() - Date.now())).to.be.below(60_000);
      }
    });

    it('appends with any whether or not the stream exists, and by default', async () => {
      const stream = uniqueName('append-');
      expect((await store().append(stream, [newEvent()], { expectedRevision: 'any' })).nextRevision).to.equal(0n);
      expect((await store().append(stream, [newEvent()], { expectedRevision: 'any' })).nextRevision).to.equal(1n);
      expect((await store().append(stream, [newEvent()])).nextRevision).to.equal(2n);
      expect((await store().readStream(stream)).map((e) => e.revision)).to.deep.equal([0n, 1n, 2n]);
    });

    it('appends when the expected revision is exactly the last one', async () => {
      const stream = uniqueName('append-');
      await store().append(stream, [newEvent(), newEvent()]);
      const result = await store().append(stream, [newEvent()], { expectedRevision: 1n });
      expect(result.nextRevision).to.equal(2n);
      expect(typeof result.nextRevision).to.equal('bigint');
    });

    it('rejects no_stream on a stream that has events, and leaves it unchanged', async () => {
      const stream = uniqueName('append-');
      await store().append(stream, [newEvent()]);
      const before = await store().readStream(stream);
      const error = await rejection(store().append(stream, [newEvent()], { expectedRevision: 'no_stream' }));
      expect(error).to.be.instanceOf(WrongExpectedRevisionError);
      expect(error).to.include({ stream, expected: 'no_stream', actual: 0n });
      expect(await store().readStream(stream)).to.deep.equal(before);
    });

    it('rejects a stale revision, reporting the actual one, and leaves the stream unchanged', async () => {
      const stream = uniqueName('append-');
      await store().append(stream, [newEvent(), newEvent()]);
      const before = await store().readStream(stream);
      const error = await rejection(store().append(stream, [newEvent(), newEvent()], { expectedRevision: 0n }));
      expect(error).to.be.instanceOf(WrongExpectedRevisionError);
      expect(error).to.include({ stream, expected: 0n, actual: 1n });
      expect(await store().readStream(stream)).to.deep.equal(before);
    });

    it('rejects an exact revision on a stream that does not exist (actual -1)', async () => {
      const stream = uniqueName('append-');
      const error = await rejection(store().append(stream, [newEvent()], { expectedRevision: 0n }));
      expect(error).to.be.instanceOf(WrongExpectedRevisionError);
      expect(error).to.include({ stream, expected: 0n, actual: -1n });
      expect(await store().readStream(stream)).to.deep.equal([]);
    });

    it('stream_exists appends to a stream that has events', async () => {
      const stream = uniqueName('append-');
      await store().append(stream, [newEvent()]);
      const result = await store().append(stream, [newEvent(), newEvent()], { expectedRevision: 'stream_exists' });
      expect(result.nextRevision).to.equal(2n);
      expect((await store().readStream(stream)).map((e) => e.revision)).to.deep.equal([0n, 1n, 2n]);
    });

    it('rejects stream_exists on a stream that does not exist (actual -1), and writes nothing', async () => {
      const stream = uniqueName('append-');
      const error = await rejection(store().append(stream, [newEvent()], { expectedRevision: 'stream_exists' }));
      expect(error).to.be.instanceOf(WrongExpectedRevisionError);
      expect(error).to.include({ stream, expected: 'stream_exists', actual: -1n });
      expect(await store().readStream(stream)).to.deep.equal([]);
      // The failed append left nothing that would make the stream count as existing.
      expect(await rejection(store().append(stream, [newEvent()], { expectedRevision: 'stream_exists' }))).to.be.instanceOf(WrongExpectedRevisionError);
    });

    it('an empty append checks the expected revision and writes nothing', async () => {
      const stream = uniqueName('append-');
      expect(await store().append(stream, [], { expectedRevision: 'no_stream' })).to.deep.equal({ nextRevision: -1n, appended: [], duplicates: [] });
      await store().append(stream, [newEvent()]);
      expect((await store().append(stream, [], { expectedRevision: 0n })).nextRevision).to.equal(0n);
      expect(await rejection(store().append(stream, [], { expectedRevision: 'no_stream' }))).to.be.instanceOf(WrongExpectedRevisionError);
      expect(await store().readStream(stream)).to.have.length(1);
    });

    it('keeps data and metadata exactly, with metadata {} when none is given', async () => {
      const stream = uniqueName('append-');
      const data: Json = {
        amount: 1999, currency: 'jpy', ratio: 0.25, negative: -3, nothing: null, flag: false,
        text: 'Zoë — 請求書 🧾 "quoted" \\ back', list: [1, 'two', { three: [3] }, []], nested: { deep: { deeper: {} } },
      };
      const metadata = { stripeEventId: 'evt_123', causation: null, tags: ['a'] };
      const withMetadata = newEvent('data.kept', data, metadata);
      const without = newEvent('data.scalar', 'just a string');
      await store().append(stream, [withMetadata, without]);
      const [first, second] = await store().readStream(stream);
      expect(first!.data).to.deep.equal(data);
      expect(first!.metadata).to.deep.equal(metadata);
      expect(second!.data).to.equal('just a string');
      expect(second!.metadata).to.deep.equal({});
    });

    it('rejects invalid input and writes nothing', async () => {
      const stream = uniqueName('append-');
      await rejection(store().append('', [newEvent()]));
      await rejection(store().append(stream, [{ ...newEvent(), id: 'not-a-uuid' }]));
      await rejection(store().append(stream, [newEvent(), { ...newEvent(), type: '' }]));
      await rejection(store().append(stream, [newEvent()], { expectedRevision: -1n }));
      await rejection(store().append(stream, [newEvent()], { expectedRevision: 'exists' as never }));
      expect(await store().readStream(stream)).to.deep.equal([]);
    });

    it('lets exactly one of several concurrent appends with the same expected revision win', async () => {
      const stream = uniqueName('append-');
      await store().append(stream, [newEvent()]);
      const contenders = Array.from({ length: 6 }, () => newEvent('race.won'));
      const outcomes = await Promise.allSettled(contenders.map((event) => store().append(stream, [event], { expectedRevision: 0n })));
      const won = outcomes.filter((outcome) => outcome.status === 'fulfilled');
      const lost = outcomes.flatMap((outcome) => (outcome.status === 'rejected' ? [outcome.reason as unknown] : []));
      expect(won).to.have.length(1);
      expect(lost).to.have.length(5);
      for (const error of lost) {
        expect(error).to.be.instanceOf(WrongExpectedRevisionError);
        expect(error).to.include({ expected: 0n, actual: 1n });
      }
      const read = await store().readStream(stream);
      expect(read.map((e) => e.revision)).to.deep.equal([0n, 1n]);
      expect(read[1]!.id).to.equal(won[0]!.value.appended[0]);
    });

    it('gives concurrent appends with any consecutive revisions, none lost', async () => {
      const stream = uniqueName('append-');
      const batches = Array.from({ length: 8 }, () => [newEvent(), newEvent()]);
      await Promise.all(batches.map((events) => store().append(stream, events)));
      const read = await store().readStream(stream);
      expect(read.map((e) => e.revision)).to.deep.equal(Array.from({ length: 16 }, (_, i) => BigInt(i)));
      expect(new Set(read.map((e) => e.id))).to.deep.equal(new Set(batches.flat().map((e) => e.id)));
      // Each call's events stay together and in order.
      for (const events of batches) {
        const at = read.findIndex((e) => e.id === events[0]!.id);
        expect(read[at + 1]!.id).to.equal(events[1]!.id);
      }
    });
  });
}
