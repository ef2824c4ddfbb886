import { expect } from 'chai';
import { START, type EventStore } from '../../../domain/ports/event-store.ts';
import { createPostgresEventStore } from '../../../adapters/eventstore/postgres.ts';
import { migrateDatabase } from '../../../adapters/db/migrate.ts';
import { freshDatabase, type TestDatabase } from '../../support/database.ts';
import { collect } from '../../contract/event-store-helpers.ts';

/**
 * Transaction ids reach the client as text (`pg` has no xid8 parser). Ordering or comparing
 * them as text would put 10 before 9 once the server's ids grow a digit, which a test run
 * never sees on its own; rows written with chosen (long finished) transaction ids show it.
 */
describe('postgres event store: positions across a digit boundary of transaction ids', function () {
  this.timeout(60_000);
  let database: TestDatabase;
  let store: EventStore;
  const ten = '00000000-0000-4000-8000-000000000010';
  const nine = '00000000-0000-4000-8000-000000000009';

  before(async () => {
    database = await freshDatabase();
    await migrateDatabase(database.db);
    store = createPostgresEventStore(database.pool);
    // Transaction 10 took global position 1, transaction 9 position 2: the log's order is
    // 9 then 10, which neither text order nor position order gives.
    await database.pool.query(
      `INSERT INTO events (transaction_id, stream_name, stream_revision, event_id, event_type, data)
       VALUES ('10', 'digits-ten', 0, $1, 'digits', '{}'), ('9', 'digits-nine', 0, $2, 'digits', '{}')`,
      [ten, nine],
    );
  });

  after(async () => {
    await store?.close();
    await database?.close();
  });

  it('readAll orders by transaction id as a number', async () => {
    const all = await store.readAll();
    expect(all.map((e) => [e.id, e.position])).to.deep.equal([
      [nine, { commit: 9n, prepare: 2n }],
      [ten, { commit: 10n, prepare: 1n }],
    ]);
    expect((await store.readAll({ after: { commit: 9n, prepare: 2n } })).map((e) => e.id)).to.deep.equal([ten]);
    expect(await store.readAll({ after: { commit: 10n, prepare: 1n } })).to.deep.equal([]);
  });

  it('headPosition is the greatest transaction id, not the greatest text', async () => {
    expect(await store.headPosition()).to.deep.equal({ commit: 10n, prepare: 1n });
  });

  it('a filtered subscription hands over both, in that order', async () => {
    const collector = collect(store, { after: START, streamPrefixes: ['digits-'] });
    try {
      await collector.waitForCount(2);
      expect(collector.events().map((e) => e.id)).to.deep.equal([nine, ten]);
    } finally {
      await collector.subscription.stop();
    }
  });
});
