import { expect } from 'chai';
import {
  ANY,
  DeadlineExceededError,
  MaxAppendSizeExceededError,
  NO_STREAM,
  STREAM_EXISTS,
  WrongExpectedVersionError,
} from '@eventstore/db-client';
import type { EsdbDoubleOptions } from '../../../scripts/esdb-double/server.ts';
import { APPEND_PATHS, connect as connectDouble, event, type Connected } from './double-client.ts';

for (const path of APPEND_PATHS) {
  describe(`EventStoreDB double: appends ${path.title}`, () => {
    let connected: Connected | undefined;
    const connect = (options: EsdbDoubleOptions = {}) => connectDouble({ ...options, ...path.options });

    afterEach(async () => {
      await connected?.stop();
      connected = undefined;
    });

    async function wrongExpectedVersion(append: Promise<unknown>): Promise<WrongExpectedVersionError> {
      const error = await append.then(
        () => undefined,
        (e: unknown) => e,
      );
      expect(error).to.be.instanceOf(WrongExpectedVersionError);
      return error as WrongExpectedVersionError;
    }

    it('appends events and reads them back with revisions and strictly increasing $all positions', async () => {
      connected = await connect();
      const { client } = connected;
      const first = await client.appendToStream('orders-1', [event('Placed', { n: 1 }), event('Paid', { n: 2 })], {
        expectedRevision: NO_STREAM,
      });
      const second = await client.appendToStream('orders-1', event('Shipped', { n: 3 }), { expectedRevision: 1n });

      expect(first.nextExpectedRevision).to.equal(1n);
      expect(second.nextExpectedRevision).to.equal(2n);
      const read = [];
      for await (const { event: recorded } of client.readStream('orders-1')) read.push(recorded!);
      expect(read.map((e) => [e.revision, e.type, e.data])).to.deep.equal([
        [0n, 'Placed', { n: 1 }],
        [1n, 'Paid', { n: 2 }],
        [2n, 'Shipped', { n: 3 }],
      ]);
      const positions = read.map((e) => e.position!);
      for (const position of positions) expect(position.commit).to.equal(position.prepare);
      expect(positions[1]!.commit > positions[0]!.commit && positions[2]!.commit > positions[1]!.commit).to.equal(true);
      // An append answers with its last event's position.
      expect(first.position).to.deep.equal(positions[1]);
      expect(second.position).to.deep.equal(positions[2]);
      expect(read[0]!.isJson).to.equal(true);
      expect(read[0]!.created).to.be.instanceOf(Date);
    });

    it("checks each expected revision as the server does, and a mismatch carries the server's expected and actual revisions", async () => {
      connected = await connect();
      const { client } = connected;

      const missingExists = await wrongExpectedVersion(client.appendToStream('s-1', event('A'), { expectedRevision: STREAM_EXISTS }));
      expect([missingExists.streamName, missingExists.expectedVersion, missingExists.actualVersion]).to.deep.equal([
        's-1',
        'stream_exists',
        'no_stream',
      ]);
      const missingExact = await wrongExpectedVersion(client.appendToStream('s-1', event('A'), { expectedRevision: 0n }));
      expect([missingExact.expectedVersion, missingExact.actualVersion]).to.deep.equal([0n, 'no_stream']);

      await client.appendToStream('s-1', [event('A'), event('B')], { expectedRevision: NO_STREAM });
      expect((await client.appendToStream('s-1', event('C'), { expectedRevision: STREAM_EXISTS })).nextExpectedRevision).to.equal(2n);
      expect((await client.appendToStream('s-1', event('D'), { expectedRevision: ANY })).nextExpectedRevision).to.equal(3n);
      expect((await client.appendToStream('s-1', event('E'), { expectedRevision: 3n })).nextExpectedRevision).to.equal(4n);

      const existing = await wrongExpectedVersion(client.appendToStream('s-1', event('F'), { expectedRevision: NO_STREAM }));
      expect([existing.expectedVersion, existing.actualVersion]).to.deep.equal(['no_stream', 4n]);
      const behind = await wrongExpectedVersion(client.appendToStream('s-1', event('F'), { expectedRevision: 2n }));
      expect([behind.expectedVersion, behind.actualVersion]).to.deep.equal([2n, 4n]);
      const ahead = await wrongExpectedVersion(client.appendToStream('s-1', event('F'), { expectedRevision: 9n }));
      expect([ahead.expectedVersion, ahead.actualVersion]).to.deep.equal([9n, 4n]);

      let count = 0;
      for await (const _ of client.readStream('s-1')) count++;
      expect(count).to.equal(5);
    });

    it("refuses an append larger than the maximum append size with the client's MaxAppendSizeExceededError", async () => {
      connected = await connect({ maxAppendBytes: 1000 });
      const { client } = connected;
      // The server counts data + custom metadata + two bytes per character of the type.
      const filler = 'x'.repeat(500); // 515 bytes an event: one fits, two do not
      const error = await client
        .appendToStream('big-1', [event('T', { filler }), event('T', { filler })])
        .then(() => undefined, (e: unknown) => e);
      expect(error).to.be.instanceOf(MaxAppendSizeExceededError);
      expect((error as MaxAppendSizeExceededError).maxAppendSize).to.equal(1000);

      await client.appendToStream('big-1', event('T', { filler }));
      let count = 0;
      for await (const _ of client.readStream('big-1')) count++;
      expect(count).to.equal(1);
    });

    it("defaults to the server's 1 MiB maximum append size", async () => {
      connected = await connect();
      const error = await connected.client
        .appendToStream('big-2', event('T', { filler: 'x'.repeat(1024 * 1024) }))
        .then(() => undefined, (e: unknown) => e);
      expect(error).to.be.instanceOf(MaxAppendSizeExceededError);
      expect((error as MaxAppendSizeExceededError).maxAppendSize).to.equal(1_048_576);
    });

    it(`serves every append ${path.title}`, async () => {
      connected = await connect();
      await Promise.all([connected.client.appendToStream('rpc-1', event('A')), connected.client.appendToStream('rpc-2', event('B'))]);
      await connected.client.appendToStream('rpc-1', event('C'));
      const calls = connected.double.appendCalls;
      expect(calls[path.rpc]).to.be.greaterThan(0);
      expect(calls.append + calls.batchAppend).to.equal(calls[path.rpc]);
    });

    it("answers an append whose deadline has passed with the client's DeadlineExceededError, writing nothing", async () => {
      connected = await connect();
      const error = await connected.client
        .appendToStream('late-1', event('A'), { deadline: 0 })
        .then(() => undefined, (e: unknown) => e);
      expect(error).to.be.instanceOf(DeadlineExceededError);
      expect((await connected.client.appendToStream('late-1', event('B'), { expectedRevision: NO_STREAM })).nextExpectedRevision).to.equal(0n);
    });
  });
}
