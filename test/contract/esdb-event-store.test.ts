import { expect } from 'chai';
import { createEsdbEventStore } from '../../adapters/eventstore/esdb/esdb.ts';
import { migrateDatabase } from '../../adapters/db/migrate.ts';
import { startEsdbDouble, type EsdbDoubleOptions } from '../../scripts/esdb-double/server.ts';
import { freshDatabase, testStoreKind } from '../support/database.ts';
import { startTestEventStoreDb, testEventStoreDbKind, type TestEventStoreDb } from '../support/esdb.ts';
import { eventStoreContract } from './event-store.contract.ts';

/*
 * The EventStoreDB adapter against the most real server that answers (test/support/esdb.ts):
 * EVENTSTORE_CONNECTION_STRING, a container, or the in-repo wire double; the title says which.
 * A real server decides how the client appends (a 24.10 one: BatchAppend); the double can be
 * either kind of server, so the suite runs over both of the client's append paths there.
 * Its index of event ids lives in the test database (embedded, or TEST_DATABASE_URL's server).
 */
const kind = await testEventStoreDbKind();

interface Target {
  readonly title: string;
  start(): Promise<TestEventStoreDb>;
  /** On the double: the only append RPC the suite may have used. */
  readonly rpc?: 'append' | 'batchAppend';
}

function doubleTarget(path: string, options: EsdbDoubleOptions, rpc: 'append' | 'batchAppend'): Target {
  return {
    title: `a double EventStoreDB, appends over ${path}`,
    rpc,
    async start() {
      const double = await startEsdbDouble(options);
      return { connectionString: double.connectionString, kind: 'double', double, stop: () => double.stop() };
    },
  };
}

const targets: Target[] =
  kind === 'double'
    ? [doubleTarget('BatchAppend', {}, 'batchAppend'), doubleTarget('classic Append', { classicAppendOnly: true }, 'append')]
    : [{ title: `a ${kind} EventStoreDB`, start: () => startTestEventStoreDb(kind) }];

for (const target of targets) {
  describe(`esdb event store on ${target.title}`, function () {
    this.timeout(180_000);
    let server: TestEventStoreDb | undefined;
    before(async () => {
      server = await target.start();
    });
    after(async () => {
      try {
        const calls = server?.double?.appendCalls;
        if (calls && target.rpc) {
          const other = target.rpc === 'append' ? 'batchAppend' : 'append';
          expect([calls[target.rpc] > 0, calls[other]], `append calls: ${JSON.stringify(calls)}`).to.deep.equal([true, 0]);
        }
      } finally {
        await server?.stop();
      }
    });

    eventStoreContract(`esdb (${target.title}, ids indexed in ${testStoreKind})`, async () => {
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
}
