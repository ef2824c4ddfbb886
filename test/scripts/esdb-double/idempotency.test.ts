import { randomUUID } from 'node:crypto';
import { expect } from 'chai';
import { ANY, NO_STREAM, STREAM_EXISTS, WrongExpectedVersionError, type EventStoreDBClient } from '@eventstore/db-client';
import type { EsdbDoubleOptions } from '../../../scripts/esdb-double/server.ts';
import { APPEND_PATHS, connect as connectDouble, event, type Connected } from './double-client.ts';

/*
 * The server's idempotency, limits included. With expected revision `any` (or `stream_exists`),
 * a repeated event id is a no-op only while the id is in the node's bounded cache of recently
 * committed event ids; after that the same event is written again. With an exact revision the
 * node looks the event up in the stream, so a retry stays a no-op. An adapter that relies on the
 * server to drop Stripe redeliveries must know which of the two it gets.
 */
for (const path of APPEND_PATHS) {
  describe(`EventStoreDB double: idempotent appends ${path.title}, as the server does them`, () => {
    let connected: Connected | undefined;
    const connect = (options: EsdbDoubleOptions = {}) => connectDouble({ ...options, ...path.options });

    afterEach(async () => {
      await connected?.stop();
      connected = undefined;
    });

    async function types(client: EventStoreDBClient, stream: string): Promise<string[]> {
      const found: string[] = [];
      for await (const { event: recorded } of client.readStream(stream)) found.push(`${recorded!.revision}:${recorded!.type}`);
      return found;
    }

    it('a repeated append of recent event ids with expected revision any is a no-op answering the first write', async () => {
      connected = await connect({ idempotencyCacheSize: 10 });
      const { client } = connected;
      const ids = [randomUUID(), randomUUID()];
      const first = await client.appendToStream('pay-1', [event('A', {}, ids[0]), event('B', {}, ids[1])], { expectedRevision: ANY });
      const again = await client.appendToStream('pay-1', [event('A', {}, ids[0]), event('B', {}, ids[1])], { expectedRevision: ANY });
      const existsAgain = await client.appendToStream('pay-1', [event('A', {}, ids[0])], { expectedRevision: STREAM_EXISTS });

      expect(again).to.deep.equal(first);
      expect(existsAgain.nextExpectedRevision).to.equal(0n);
      expect(await types(client, 'pay-1')).to.deep.equal(['0:A', '1:B']);
    });

    it('once the id has left the bounded cache, the same event appended with any is written again', async () => {
      connected = await connect({ idempotencyCacheSize: 3 });
      const { client } = connected;
      const id = randomUUID();
      await client.appendToStream('pay-2', event('Paid', {}, id), { expectedRevision: ANY });
      // Three later events push the id out of a cache of three.
      await client.appendToStream('other', [event('X'), event('Y'), event('Z')]);
      const redelivered = await client.appendToStream('pay-2', event('Paid', {}, id), { expectedRevision: ANY });

      expect(redelivered.nextExpectedRevision).to.equal(1n);
      expect(await types(client, 'pay-2')).to.deep.equal(['0:Paid', '1:Paid']);
    });

    it('a retry at the same exact revision is a no-op however old the first write', async () => {
      connected = await connect({ idempotencyCacheSize: 1 });
      const { client } = connected;
      const ids = [randomUUID(), randomUUID()];
      const first = await client.appendToStream('pay-3', [event('A', {}, ids[0]), event('B', {}, ids[1])], {
        expectedRevision: NO_STREAM,
      });
      await client.appendToStream('pay-3', [event('C'), event('D')], { expectedRevision: 1n });
      const retry = await client.appendToStream('pay-3', [event('A', {}, ids[0]), event('B', {}, ids[1])], {
        expectedRevision: NO_STREAM,
      });

      expect(retry).to.deep.equal(first);
      expect(await types(client, 'pay-3')).to.deep.equal(['0:A', '1:B', '2:C', '3:D']);
    });

    it('a repeat of only some of the ids is refused as a wrong expected version, even with any', async () => {
      connected = await connect();
      const { client } = connected;
      const id = randomUUID();
      await client.appendToStream('pay-4', event('A', {}, id), { expectedRevision: ANY });
      const error = await client
        .appendToStream('pay-4', [event('A', {}, id), event('B')], { expectedRevision: ANY })
        .then(() => undefined, (e: unknown) => e);

      expect(error).to.be.instanceOf(WrongExpectedVersionError);
      expect((error as WrongExpectedVersionError).expectedVersion).to.equal('any');
      expect((error as WrongExpectedVersionError).actualVersion).to.equal(0n);
    });

    it('a restarted server has forgotten recent ids: a redelivery with any after a restart is written again', async () => {
      const before = await connect();
      connected = before;
      const id = randomUUID();
      await before.client.appendToStream('pay-5', event('Paid', {}, id), { expectedRevision: ANY });
      const { port, state } = before.double;
      await before.stop();

      connected = await connect({ port, state });
      await connected.client.appendToStream('pay-5', event('Paid', {}, id), { expectedRevision: ANY });

      expect(await types(connected.client, 'pay-5')).to.deep.equal(['0:Paid', '1:Paid']);
    });
  });
}
