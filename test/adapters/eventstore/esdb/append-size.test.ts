import { expect } from 'chai';
import { EventTooLargeError, type NewEvent } from '../../../../domain/ports/event-store.ts';
import { startEsdbDouble } from '../../../../scripts/esdb-double/server.ts';
import { startTestEventStoreDb, type TestEventStoreDb } from '../../../support/esdb.ts';
import { newEvent, rejection, uniqueName } from '../../../contract/event-store-helpers.ts';
import { openEsdbTestDatabase, type EsdbTestDatabase } from './esdb-test-store.ts';

const MIB = 1024 * 1024;
const TYPE = 'big.event';

/**
 * An event whose append counts `bytes` as EventStoreDB counts it: two bytes per character of
 * the type, the data's JSON (a string: its characters and two quotes), the metadata's JSON (`{}`).
 */
function eventOfSize(bytes: number): NewEvent {
  const overhead = TYPE.length * 2 + 2 + 2;
  return newEvent(TYPE, 'x'.repeat(bytes - overhead));
}

/**
 * EventStoreDB refuses an append over its MaxAppendSize (1 MiB by default). The adapter refuses
 * it first, with a typed error the webhook can act on, and stores nothing, not even a claim.
 */
describe('esdb event store: appends over the size limit', function () {
  this.timeout(60_000);
  let server: TestEventStoreDb;
  let db: EsdbTestDatabase;

  before(async () => {
    server = await startTestEventStoreDb();
    db = await openEsdbTestDatabase();
  });

  after(async () => {
    await db?.close();
    await server?.stop();
  });

  it('takes an append of exactly the limit (counted as the server counts) and refuses one byte more, storing nothing', async () => {
    const store = db.store(server.connectionString);
    const stream = uniqueName('size-');
    const fits = eventOfSize(MIB);
    expect((await store.append(stream, [fits])).appended).to.deep.equal([fits.id]);

    const tooLarge = eventOfSize(MIB + 1);
    const error = await rejection(store.append(stream, [tooLarge]));
    expect(error).to.be.instanceOf(EventTooLargeError);
    expect(error).to.include({ stream, bytes: MIB + 1, limit: MIB });
    expect(error.message).to.equal(`append to ${stream}: ${MIB + 1} bytes, over the store's limit of ${MIB} bytes per append`);
    expect((await store.readStream(stream)).map((event) => event.id)).to.deep.equal([fits.id]);
    expect(await db.claims(tooLarge.id)).to.deep.equal([]);
  });

  it('counts the whole append, and UTF-8 bytes, not characters', async () => {
    const store = db.store(server.connectionString, { maxAppendBytes: 1_000 });
    const stream = uniqueName('size-');
    const halves = [eventOfSize(600), eventOfSize(600)];
    expect(await rejection(store.append(stream, halves))).to.include({ bytes: 1_200, limit: 1_000 });
    // 400 characters of three bytes each: 422 counted in characters, 1,222 in bytes.
    const wide = newEvent(TYPE, '請'.repeat(400));
    expect(await rejection(store.append(stream, [wide]))).to.include({ bytes: TYPE.length * 2 + 1_202 + 2, limit: 1_000 });
    expect(await store.readStream(stream)).to.deep.equal([]);
    for (const event of [...halves, wide]) expect(await db.claims(event.id)).to.deep.equal([]);
  });

  it('reports the server’s own limit when it is lower than the one configured, and frees the id', async () => {
    const small = await startEsdbDouble({ maxAppendBytes: 64 * 1024 });
    try {
      const store = db.store(small.connectionString);
      const stream = uniqueName('size-');
      const event = eventOfSize(100 * 1024);
      const error = await rejection(store.append(stream, [event]));
      expect(error).to.be.instanceOf(EventTooLargeError);
      expect(error).to.include({ stream, bytes: 100 * 1024, limit: 64 * 1024 });
      expect(await db.claims(event.id)).to.deep.equal([]);
      // The same id, trimmed to fit, is not mistaken for a duplicate.
      const trimmed = { ...event, data: 'trimmed' };
      expect((await store.append(stream, [trimmed])).appended).to.deep.equal([event.id]);
      await store.close();
    } finally {
      await small.stop();
    }
  });
});
