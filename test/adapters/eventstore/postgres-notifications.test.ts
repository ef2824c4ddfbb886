import { randomUUID } from 'node:crypto';
import type { EventStore, RecordedEvent } from '../../../domain/ports/event-store.ts';
import { createPostgresEventStore } from '../../../adapters/eventstore/postgres.ts';
import { migrateDatabase } from '../../../adapters/db/migrate.ts';
import { freshDatabase, testStoreKind, type TestDatabase } from '../../support/database.ts';
import { newEvent, sleep } from '../../contract/event-store-helpers.ts';

/**
 * With LISTEN/NOTIFY a caught-up subscription learns of a commit from Postgres instead of by
 * polling. Caught up and a second past any notice, the polls here are a minute apart, so an
 * event that arrives in seconds was woken for. (Right after a notice it polls every 200 ms: an
 * older transaction elsewhere on the server may hide the commit for a moment.)
 * The embedded store has no notices (its socket server sends nothing unasked): Postgres only.
 */
describe('postgres event store: subscriptions woken by commits (LISTEN/NOTIFY)', function () {
  this.timeout(60_000);
  let database: TestDatabase;
  let store: EventStore;

  before(async function () {
    if (testStoreKind !== 'postgres') this.skip();
    database = await freshDatabase();
    await migrateDatabase(database.db);
    store = createPostgresEventStore(database.pool, { listen: true, pollIntervalMs: 200, idlePollIntervalMs: 60_000 });
  });

  after(async () => {
    await store?.close();
    await database?.close();
  });

  const listeners = async () => {
    const { rows } = await database.pool.query<{ pid: number }>(
      "SELECT pid FROM pg_stat_activity WHERE datname = current_database() AND query LIKE 'LISTEN%' AND pid <> pg_backend_pid()",
    );
    return rows.map((row) => row.pid);
  };

  async function within(ms: number, condition: () => boolean | Promise<boolean>) {
    const deadline = Date.now() + ms;
    while (!(await condition())) {
      if (Date.now() > deadline) throw new Error(`not within ${ms} ms`);
      await sleep(20);
    }
  }

  it('hands over a new append within seconds though it polls once a minute, and again after its listening connection was cut', async () => {
    const stream = `tenant-wake${randomUUID().slice(0, 8)}`;
    const seen: RecordedEvent[] = [];
    const subscription = store.subscribe({ after: await store.headPosition(), streamPrefixes: [stream], onBatch: async (events) => { seen.push(...events); } });
    try {
      await within(10_000, async () => (await listeners()).length === 1);
      await sleep(1_500);
      await store.append(stream, [newEvent()]);
      await within(5_000, () => seen.length === 1).catch((e) => { throw new Error(`first: ${e.message}`); });

      const [pid] = await listeners();
      await database.pool.query('SELECT pg_terminate_backend($1)', [pid]);
      // It listens again on a new connection; an append after that wakes it too.
      await within(15_000, async () => {
        const now = await listeners();
        return now.length === 1 && now[0] !== pid;
      });
      await sleep(1_500);
      await store.append(stream, [newEvent()]);
      await within(5_000, () => seen.length === 2).catch((e) => { throw new Error(`after the cut: ${e.message}`); });
    } finally {
      await subscription.stop();
    }
  });
});
