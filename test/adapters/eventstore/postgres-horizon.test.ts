import { expect } from 'chai';
import pg from 'pg';
import { START, type EventStore } from '../../../domain/ports/event-store.ts';
import { createPostgresEventStore } from '../../../adapters/eventstore/postgres.ts';
import { countEventsAfter, readVisibilityHorizon } from '../../../adapters/eventstore/postgres-horizon.ts';
import { migrateDatabase } from '../../../adapters/db/migrate.ts';
import { freshDatabase, testStoreKind, type TestDatabase } from '../../support/database.ts';
import { newEvent, sleep, uniqueName, untilVisible, waitUntil } from '../../contract/event-store-helpers.ts';
import { holdAppend } from './out-of-order-helpers.ts';

describe(`postgres event store: visibility horizon diagnostics (${testStoreKind} store)`, function () {
  this.timeout(60_000);
  let database: TestDatabase;
  let store: EventStore;

  before(async () => {
    database = await freshDatabase();
    await migrateDatabase(database.db);
    store = createPostgresEventStore(database.pool);
  });
  after(async () => {
    await store?.close();
    await database?.close();
  });

  /** Appends `count` single-event appends to `stream` and waits until global readers see them. */
  async function appendVisible(stream: string, count: number): Promise<void> {
    for (let i = 0; i < count; i++) await store.append(stream, [newEvent()]);
    const [last] = await store.readStream(stream, { direction: 'backwards', limit: 1 });
    await untilVisible(store, last!.position);
  }

  it('counts the events after a position by stream prefix, each count capped', async () => {
    const run = uniqueName('lag-');
    await appendVisible(`${run}a-1`, 3);
    await appendVisible(`${run}b-1`, 2);
    const [third] = await store.readStream(`${run}a-1`, { from: 2n, limit: 1 });
    expect(await countEventsAfter(database.pool, { after: START, streamPrefixes: [run], cap: 100 })).to.deep.equal({ visible: 5, notYetVisible: 0 });
    expect(await countEventsAfter(database.pool, { after: START, streamPrefixes: [`${run}b`], cap: 100 })).to.deep.equal({ visible: 2, notYetVisible: 0 });
    expect(await countEventsAfter(database.pool, { after: third!.position, streamPrefixes: [run], cap: 100 })).to.deep.equal({ visible: 2, notYetVisible: 0 });
    expect(await countEventsAfter(database.pool, { after: START, streamPrefixes: [run], cap: 4 })).to.deep.equal({ visible: 4, notYetVisible: 0 });
    expect((await countEventsAfter(database.pool, { after: START, cap: 3 })).visible).to.equal(3);
  });

  it('reports an idle horizon: nothing waiting, no holder in this database', async () => {
    const horizon = await readVisibilityHorizon(database.pool);
    expect(horizon.notYetVisible).to.be.a('number');
    // On a shared server another database's transaction may hold the horizon; never ours here.
    if (horizon.holder && database.url) expect(horizon.holder.database).not.to.equal(new URL(database.url).pathname.slice(1));
    if (testStoreKind === 'embedded') expect(horizon).to.deep.equal({ notYetVisible: 0, holder: null });
  });

  it('names the transaction holding the horizon back and counts the committed events waiting behind it', async function () {
    // The embedded store runs one transaction at a time: none can be held open while others commit.
    if (testStoreKind === 'embedded') this.skip();
    const run = uniqueName('held-');
    const databaseName = new URL(database.url!).pathname.slice(1);
    const client = new pg.Client({ connectionString: database.url, application_name: 'held-append-test' });
    await client.connect();
    try {
      const held = await holdAppend(client, `${run}-held`, [newEvent()]);
      const pid = (await client.query<{ pid: number }>('SELECT pg_backend_pid() AS pid')).rows[0]!.pid;
      for (let i = 0; i < 4; i++) await store.append(`${run}-behind`, [newEvent()]);
      await store.append(uniqueName('other-'), [newEvent()]);
      await sleep(300);
      // Older transactions elsewhere on the server may hold the horizon first; ours is next.
      await waitUntil(async () => (await readVisibilityHorizon(database.pool)).holder?.pid === pid, 15_000, 'the held append to be the horizon');
      const horizon = await readVisibilityHorizon(database.pool);
      expect(horizon.notYetVisible).to.equal(5);
      expect(horizon.holder).to.include({ pid, database: databaseName, state: 'idle in transaction', applicationName: 'held-append-test' });
      expect(horizon.holder!.transactionSeconds).to.be.at.least(0.3);
      expect(await countEventsAfter(database.pool, { after: START, streamPrefixes: [run], cap: 100 })).to.deep.equal({ visible: 0, notYetVisible: 4 });
      expect(await countEventsAfter(database.pool, { after: START, streamPrefixes: [run], cap: 3 })).to.deep.equal({ visible: 0, notYetVisible: 3 });

      await held.commit();
      await waitUntil(async () => (await readVisibilityHorizon(database.pool)).notYetVisible === 0, 15_000, 'the events to become visible');
      expect(await countEventsAfter(database.pool, { after: START, streamPrefixes: [run], cap: 100 })).to.deep.equal({ visible: 5, notYetVisible: 0 });
    } finally {
      await client.end();
    }
  });
});
