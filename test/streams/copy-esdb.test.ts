import { expect } from 'chai';
import { migrateDatabase } from '../../adapters/db/migrate.ts';
import { loadConfig } from '../../src/config.ts';
import { openStoreForCopy } from '../../src/streams/open-store.ts';
import { freshDatabase, testStoreKind } from '../support/database.ts';
import { startTestEventStoreDb, testEventStoreDbKind, type TestEventStoreDb } from '../support/esdb.ts';
import { seedLog } from './support/seed-log.ts';
import { copy, expectSameStreams, freshSide, settledLog, type CopyRun, type CopySide } from './support/stores.ts';

/** EventStoreDB as one side of a copy; its event-id index in a database of its own. */
async function esdbSide(eventStoreDb: TestEventStoreDb): Promise<CopySide> {
  const database = await freshDatabase();
  await migrateDatabase(database.db);
  const side = await openStoreForCopy('esdb', loadConfig({ EVENTSTORE_CONNECTION_STRING: eventStoreDb.connectionString }), database);
  return {
    database,
    side,
    store: side.store,
    async close() {
      await side.close();
      await database.close();
    },
  };
}

describe(`streams copy to EventStoreDB and back (${testStoreKind}, EventStoreDB: ${await testEventStoreDbKind()})`, function () {
  this.timeout(180_000);
  const EVENTS = 400;
  let eventStoreDb: TestEventStoreDb;
  let postgres: CopySide;
  let esdb: CopySide;
  let back: CopySide;
  let toEsdb: CopyRun;

  before(async () => {
    eventStoreDb = await startTestEventStoreDb();
    postgres = await freshSide();
    esdb = await esdbSide(eventStoreDb);
    back = await freshSide();
    await seedLog(postgres.store, { events: EVENTS });
    await settledLog(postgres.store, EVENTS);
    // The move itself, once: each test looks at it from its side, in any order.
    toEsdb = await copy(postgres, esdb);
  });
  after(async () => {
    for (const side of [postgres, esdb, back]) await side?.close();
    await eventStoreDb?.stop();
  });

  it('moves the whole log to EventStoreDB, verified, and copies nothing the second time', async () => {
    expect(toEsdb.status, toEsdb.lines.join('\n')).to.equal('equal');
    expect(toEsdb.summary).to.include({ copied: EVENTS });
    await expectSameStreams(postgres.store, esdb.store, EVENTS);
    const again = await copy(postgres, esdb);
    expect(again.status).to.equal('equal');
    expect(again.summary).to.include({ copied: 0 });
  });

  it('moves it back from EventStoreDB into an empty Postgres log, equal', async () => {
    const run = await copy(esdb, back);
    expect(run.status, run.lines.join('\n')).to.equal('equal');
    expect(run.summary).to.include({ copied: EVENTS });
    await expectSameStreams(esdb.store, back.store, EVENTS);
  });
});
