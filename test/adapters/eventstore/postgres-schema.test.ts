import { expect } from 'chai';
import { START } from '../../../domain/ports/event-store.ts';
import { createPostgresEventStore } from '../../../adapters/eventstore/postgres.ts';
import { migrateDatabase } from '../../../adapters/db/migrate.ts';
import { freshDatabase, type TestDatabase } from '../../support/database.ts';
import { newEvent, uniqueName } from '../../contract/event-store-helpers.ts';

describe('postgres event store: schema and ownership', function () {
  this.timeout(60_000);
  let database: TestDatabase;

  before(async () => {
    database = await freshDatabase();
    await migrateDatabase(database.db);
  });

  after(async () => {
    await database?.close();
  });

  /** Runs `test` on a database of its own, for a test that needs one nothing else migrated or wrote to. */
  async function onNewDatabase(test: (database: TestDatabase) => Promise<void>): Promise<void> {
    const fresh = await freshDatabase();
    try {
      await test(fresh);
    } finally {
      await fresh.close();
    }
  }

  it('migrates a new database when several processes start at once', () =>
    onNewDatabase(async (fresh) => {
      await Promise.all(Array.from({ length: 4 }, () => migrateDatabase(fresh.db)));
      const tables = await fresh.pool.query<{ table_name: string }>(
        `SELECT table_name FROM information_schema.tables WHERE table_schema = current_schema() AND table_name IN ('events', 'streams') ORDER BY 1`,
      );
      expect(tables.rows.map((row) => row.table_name)).to.deep.equal(['events', 'streams']);
    }));

  it('starts with an empty log: head at START, nothing to read', () =>
    onNewDatabase(async (fresh) => {
      await migrateDatabase(fresh.db);
      const store = createPostgresEventStore(fresh.pool);
      expect(await store.headPosition()).to.deep.equal(START);
      expect(await store.readAll()).to.deep.equal([]);
      await store.close();
    }));

  it('migrating again keeps the events already stored', async () => {
    const store = createPostgresEventStore(database.pool);
    const stream = uniqueName('schema-');
    await store.append(stream, [newEvent()]);
    await migrateDatabase(database.db);
    expect(await store.readStream(stream)).to.have.length(1);
    await store.close();
  });

  it('close stops the store but leaves the caller’s pool open', async () => {
    const store = createPostgresEventStore(database.pool);
    await store.close();
    await store.close(); // twice is harmless
    const result = await database.pool.query<{ one: number }>('SELECT 1 AS one');
    expect(result.rows[0]!.one).to.equal(1);
    let failure: unknown;
    try {
      await store.ping();
    } catch (error) {
      failure = error;
    }
    expect(failure).to.be.instanceOf(Error);
  });
});
