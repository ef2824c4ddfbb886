import { expect } from 'chai';
import pg from 'pg';
import type { EventStore } from '../../../domain/ports/event-store.ts';
import { createPostgresEventStore } from '../../../adapters/eventstore/postgres.ts';
import { migrateDatabase } from '../../../adapters/db/migrate.ts';
import { freshDatabase, type TestDatabase } from '../../support/database.ts';
import { collect, newEvent, rejection, sleep, uniqueName, waitUntil } from '../../contract/event-store-helpers.ts';
import { startTcpProxy, type TcpProxy } from './tcp-proxy.ts';

/** The pool's database, reached through `proxy` instead. */
function urlThrough(pool: pg.Pool, proxy: TcpProxy): string {
  const url = new URL(pool.options.connectionString!);
  url.host = proxy.address;
  return url.toString();
}

describe('postgres event store: subscription read errors', function () {
  this.timeout(60_000);
  let database: TestDatabase;
  let writer: EventStore;

  before(async () => {
    database = await freshDatabase();
    await migrateDatabase(database.db);
    writer = createPostgresEventStore(database.pool);
  });

  after(async () => {
    await writer?.close();
    await database?.close();
  });

  it('waits out a database outage with backoff and resumes where it stopped', async () => {
    const target = new URL(database.pool.options.connectionString!);
    const proxy = await startTcpProxy(target.hostname, Number(target.port || 5432));
    const pool = new pg.Pool({ connectionString: urlThrough(database.pool, proxy), max: 2 });
    pool.on('error', () => {});
    const retries: { error: unknown; delayMs: number }[] = [];
    const follower = createPostgresEventStore(pool, { onReadRetry: (error, _attempt, delayMs) => retries.push({ error, delayMs }) });
    const run = uniqueName('outage-');
    const collector = collect(follower, { after: await writer.headPosition(), streamPrefixes: [run] });
    try {
      const [before, during, after] = [newEvent(), newEvent(), newEvent()];
      await writer.append(`${run}-a`, [before]);
      await collector.waitForCount(1);

      await proxy.cut();
      await writer.append(`${run}-a`, [during]);
      await waitUntil(() => retries.length >= 3, 5_000, 'three retried reads');
      expect(collector.failure()).to.equal(undefined);
      // Backoff: the waits between attempts grow.
      expect(retries[2]!.delayMs).to.be.above(retries[0]!.delayMs);

      await proxy.restore();
      await writer.append(`${run}-a`, [after]);
      await collector.waitForCount(3, 10_000);
      await sleep(50);
      expect(collector.events().map((e) => e.id)).to.deep.equal([before.id, during.id, after.id]);
      expect(collector.failure()).to.equal(undefined);
    } finally {
      await follower.close();
      await pool.end();
      await proxy.close();
    }
    await collector.subscription.done;
  });

  it('rejects done on a read error that waiting cannot cure (no events table)', async () => {
    // Same database, but a search_path where the store's tables do not exist.
    await database.pool.query('CREATE SCHEMA IF NOT EXISTS elsewhere');
    const pool = new pg.Pool({
      connectionString: database.pool.options.connectionString,
      max: 1,
      // Awaited by the pool before it hands the client out (the embedded server ignores
      // search_path in the startup options).
      onConnect: async (client) => { await client.query('SET search_path TO elsewhere'); },
    });
    pool.on('error', () => {});
    let retried = 0;
    const lost = createPostgresEventStore(pool, { onReadRetry: () => { retried += 1; } });
    try {
      const subscription = lost.subscribe({ onBatch: async () => {} });
      const error = await rejection(subscription.done);
      expect(error).to.include({ code: '42P01' }); // undefined_table
      expect(retried).to.equal(0);
    } finally {
      await lost.close();
      await pool.end();
      // The embedded store serves every connection from one session: the SET outlives this
      // pool, and the other tests here would look for the store's tables elsewhere too.
      await database.pool.query('RESET search_path');
    }
  });
});
