import { expect } from 'chai';
import type { EventStore, RecordedEvent } from '../../../domain/ports/event-store.ts';
import { createPostgresEventStore } from '../../../adapters/eventstore/postgres.ts';
import { migrateDatabase } from '../../../adapters/db/migrate.ts';
import { freshDatabase, type TestDatabase } from '../../support/database.ts';
import { newEvent } from '../../contract/event-store-helpers.ts';

/**
 * Migration 004 on a log written before event ids were unique per category: a Stripe event
 * could then sit in two tenants' streams. The upgrade must not fail on it, must leave the log
 * as it is, and must make every later redelivery a duplicate.
 */
describe('postgres event store: upgrading a log to event-id claims (migration 004)', function () {
  this.timeout(60_000);
  let database: TestDatabase;
  let store: EventStore;
  const twice = '00000000-0000-4000-8000-00000000c1a1';
  const once = '00000000-0000-4000-8000-00000000c1a2';

  before(async () => {
    database = await freshDatabase();
    // The database as the previous version left it: migration 004 not run.
    await migrateDatabase(database.db, { upTo: '003-event-store' });
    // `twice` was parked, then routed to tenant-u (transaction 20, though at a higher global
    // position than T's copy), then redelivered into tenant-t (transaction 30). Log order is
    // by transaction id: tenant-u's copy is the first.
    await database.pool.query(
      `INSERT INTO events (transaction_id, stream_name, stream_revision, event_id, event_type, data)
       VALUES ('10', 'unrouted', 0, $1, 'InvoicePaid', '{}'),
              ('30', 'tenant-t', 0, $1, 'InvoicePaid', '{}'),
              ('20', 'tenant-u', 0, $1, 'InvoicePaid', '{}'),
              ('20', 'tenant-u', 1, $2, 'InvoicePaid', '{}')`,
      [twice, once],
    );
    await database.pool.query(`INSERT INTO streams (stream_name, revision) VALUES ('unrouted', 0), ('tenant-t', 0), ('tenant-u', 1)`);
    expect(await migrateDatabase(database.db)).to.include('004-event-id-claims');
    store = createPostgresEventStore(database.pool);
  });

  after(async () => {
    await store?.close();
    await database?.close();
  });

  it('claims each id for the first copy of its category in log order, and keeps every copy in the log', async () => {
    // Of the events the upgrade found: another test appends new ones to these streams.
    const claims = await database.pool.query<{ category: string; event_id: string; stream_name: string }>(
      'SELECT category, event_id::text, stream_name FROM event_id_claims WHERE event_id = ANY($1) ORDER BY category, event_id',
      [[twice, once]],
    );
    expect(claims.rows).to.deep.equal([
      { category: 'tenant', event_id: twice, stream_name: 'tenant-u' },
      { category: 'tenant', event_id: once, stream_name: 'tenant-u' },
      { category: 'unrouted', event_id: twice, stream_name: 'unrouted' },
    ]);
    const found = (events: RecordedEvent[]) => events.filter((e) => e.id === twice || e.id === once);
    expect(found(await store.readStream('tenant-t')).map((e) => e.id)).to.deep.equal([twice]);
    expect(found(await store.readAll()).map((e) => e.streamName)).to.deep.equal(['unrouted', 'tenant-u', 'tenant-u', 'tenant-t']);
  });

  it('answers a later redelivery as a duplicate in every stream of the category, the unclaimed copy’s included', async () => {
    for (const stream of ['tenant-t', 'tenant-u', 'tenant-v']) {
      const result = await store.append(stream, [{ ...newEvent(), id: twice }, { ...newEvent(), id: once }]);
      expect(result.appended, stream).to.deep.equal([]);
      expect(result.duplicates, stream).to.deep.equal([twice, once]);
    }
    expect(await store.readStream('tenant-v')).to.deep.equal([]);
    expect((await store.append('unrouted', [{ ...newEvent(), id: twice }])).duplicates).to.deep.equal([twice]);
  });

  it('appends new events after the upgrade, numbered on from each stream', async () => {
    const fresh = newEvent();
    expect(await store.append('tenant-t', [fresh], { expectedRevision: 0n })).to.deep.equal({ nextRevision: 1n, appended: [fresh.id], duplicates: [] });
  });
});
