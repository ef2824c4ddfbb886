import { expect } from 'chai';
import { randomUUID } from 'node:crypto';
import { connectEsdb, type EsdbClient } from '../../../../adapters/eventstore/esdb/client.ts';
import { WrongExpectedRevisionError, type EventStore } from '../../../../domain/ports/event-store.ts';
import { startTestEventStoreDb, type TestEventStoreDb } from '../../../support/esdb.ts';
import { newEvent, rejection, uniqueName } from '../../../contract/event-store-helpers.ts';
import { openEsdbTestDatabase, type EsdbTestDatabase } from './esdb-test-store.ts';

/**
 * The index of event ids (adapters/eventstore/esdb/claims.ts) through the states a process can
 * leave it in: a claim whose append happened but was never confirmed, one whose append never
 * happened, one still in doubt, one refused, and two callers claiming one id at once.
 */
describe('esdb event store: claims on event ids', function () {
  this.timeout(60_000);
  let server: TestEventStoreDb;
  let db: EsdbTestDatabase;
  let store: EventStore;
  /** The adapter's own client module, for writing to the log behind the store's back. */
  let log: EsdbClient;

  before(async () => {
    server = await startTestEventStoreDb();
    db = await openEsdbTestDatabase();
    store = db.store(server.connectionString);
    log = connectEsdb(server.connectionString);
  });

  after(async () => {
    await log?.close();
    await db?.close();
    await server?.stop();
  });

  /** A claim left by another call: `ageMs` ago, for `stream`. */
  async function leaveClaim(stream: string, eventId: string, ageMs: number): Promise<void> {
    await db.database.pool.query(
      `INSERT INTO esdb_event_id_claims (category, event_id, stream_name, state, claim_token, attempted_at)
       VALUES (split_part($1, '-', 1), $2, $1, 'pending', $3, clock_timestamp() - $4::double precision * interval '1 millisecond')`,
      [stream, eventId, randomUUID(), ageMs],
    );
  }

  const idsIn = async (stream: string) => (await store.readStream(stream)).map((event) => event.id);

  it('a pending claim whose event is already in the log (a crash before the claim was confirmed) resolves to a duplicate', async () => {
    const category = uniqueName('crash');
    const event = newEvent('crash.appended');
    // The state a crash between the append and the confirmation leaves: the event in the log,
    // its claim pending, and (a fresh claim) its owner possibly still at work.
    await log.append(`${category}-a`, [event], 'no_stream', 5_000);
    await leaveClaim(`${category}-a`, event.id, 0);

    expect(await store.append(`${category}-a`, [event])).to.deep.equal({ nextRevision: 0n, appended: [], duplicates: [event.id] });
    expect(await store.append(`${category}-b`, [event], { expectedRevision: 'no_stream' })).to.deep.equal({
      nextRevision: -1n,
      appended: [],
      duplicates: [event.id],
    });
    expect(await idsIn(`${category}-a`)).to.deep.equal([event.id]);
    expect(await idsIn(`${category}-b`)).to.deep.equal([]);
    expect(await db.claims(event.id)).to.deep.equal([{ category, event_id: event.id, stream_name: `${category}-a`, state: 'stored' }]);
  });

  it('a pending claim whose append never happened is taken over once it is older than claimInDoubtMs', async () => {
    const category = uniqueName('orphan');
    const event = newEvent('orphan.appended');
    await leaveClaim(`${category}-a`, event.id, 60_000);

    expect(await store.append(`${category}-b`, [event])).to.deep.equal({ nextRevision: 0n, appended: [event.id], duplicates: [] });
    expect(await idsIn(`${category}-a`)).to.deep.equal([]);
    expect(await idsIn(`${category}-b`)).to.deep.equal([event.id]);
    expect(await db.claims(event.id)).to.deep.equal([{ category, event_id: event.id, stream_name: `${category}-b`, state: 'stored' }]);
    expect((await store.append(`${category}-a`, [event])).duplicates).to.deep.equal([event.id]);
  });

  it('a recent pending claim whose event is not in the log makes the append wait, then fail, storing nothing', async () => {
    const category = uniqueName('doubt');
    const event = newEvent('doubt.appended');
    const other = newEvent('doubt.other');
    await leaveClaim(`${category}-a`, event.id, 0);
    const impatient = db.store(server.connectionString, { claimWaitMs: 300 });

    const error = await rejection(impatient.append(`${category}-b`, [other, event]));
    expect(error.message).to.match(/being appended by another call/);
    expect(error.message).to.include(event.id);
    expect(await idsIn(`${category}-b`)).to.deep.equal([]);
    // The call let go of the claim it held while it waited.
    expect(await db.claims(other.id)).to.deep.equal([]);

    // Its owner never came back: once the claim is old enough, the redelivery stores it.
    await db.database.pool.query(`UPDATE esdb_event_id_claims SET attempted_at = attempted_at - interval '1 hour' WHERE event_id = $1`, [event.id]);
    expect(await store.append(`${category}-b`, [other, event])).to.deep.equal({ nextRevision: 1n, appended: [other.id, event.id], duplicates: [] });
  });

  it('a refused append (wrong expected revision) leaves no claim behind', async () => {
    const category = uniqueName('refused');
    const event = newEvent('refused.appended');
    const error = await rejection(store.append(`${category}-a`, [event], { expectedRevision: 3n }));
    expect(error).to.be.instanceOf(WrongExpectedRevisionError);
    expect(await db.claims(event.id)).to.deep.equal([]);
    expect((await store.append(`${category}-b`, [event], { expectedRevision: 'no_stream' })).appended).to.deep.equal([event.id]);
  });

  it('two callers appending one id at once, to one stream or two of a category, store it once', async () => {
    const other = db.store(server.connectionString);
    const category = uniqueName('race');
    const events = Array.from({ length: 12 }, () => newEvent('race.appended'));
    const results = await Promise.all(
      events.flatMap((event, i) => {
        const [mine, theirs] = i % 2 === 0 ? [`${category}-same${i}`, `${category}-same${i}`] : [`${category}-left${i}`, `${category}-right${i}`];
        return [store.append(mine, [event]), other.append(theirs, [event])];
      }),
    );
    for (const [i, event] of events.entries()) {
      const [first, second] = [results[2 * i]!, results[2 * i + 1]!];
      expect([...first.appended, ...second.appended], `event ${i}`).to.deep.equal([event.id]);
      expect([...first.duplicates, ...second.duplicates], `event ${i}`).to.deep.equal([event.id]);
      const streams = i % 2 === 0 ? [`${category}-same${i}`] : [`${category}-left${i}`, `${category}-right${i}`];
      const stored = (await Promise.all(streams.map(idsIn))).flat();
      expect(stored, `event ${i} stored once`).to.deep.equal([event.id]);
    }
  });
});
