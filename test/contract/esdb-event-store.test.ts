import { createEsdbEventStore } from '../../adapters/eventstore/esdb/esdb.ts';
import { migrateDatabase } from '../../adapters/db/migrate.ts';
import { freshDatabase, testStoreKind } from '../support/database.ts';
import { startTestEventStoreDb, testEventStoreDbKind, type TestEventStoreDb } from '../support/esdb.ts';
import { eventStoreContract } from './event-store.contract.ts';

/*
 * The EventStoreDB adapter against the most real server that answers (test/support/esdb.ts):
 * EVENTSTORE_CONNECTION_STRING, a container, or the in-repo wire double; the title says which.
 * Its index of event ids lives in the test database (embedded, or TEST_DATABASE_URL's server).
 */
const kind = await testEventStoreDbKind();

describe(`esdb event store on a ${kind} EventStoreDB`, function () {
  this.timeout(180_000);
  let server: TestEventStoreDb | undefined;
  before(async () => {
    server = await startTestEventStoreDb(kind);
  });
  after(async () => {
    await server?.stop();
  });

  eventStoreContract(`esdb (${kind} EventStoreDB, ids indexed in ${testStoreKind})`, async () => {
    if (!server) throw new Error('the EventStoreDB did not start');
    const database = await freshDatabase();
    try {
      await migrateDatabase(database.db);
    } catch (error) {
      await database.close();
      throw error;
    }
    const store = createEsdbEventStore({ connectionString: server.connectionString, pool: database.pool });
    return {
      store,
      async cleanup() {
        await store.close();
        await database.close();
      },
    };
  });
});
