import { expect } from 'chai';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { allProjections } from '../../projections/all.ts';
import { loadConfig } from '../../src/config.ts';
import { openLedger, type Ledger } from '../../src/ledger.ts';
import { openStoreForCopy } from '../../src/streams/open-store.ts';
import { runStreamsCopy } from '../../src/streams/run-copy.ts';
import { ingestStripeEvent } from '../../src/webhooks/ingest.ts';
import { catchUpLive } from '../../src/workers/live-projections.ts';
import { liveVersion } from '../../src/workers/projection-versions.ts';
import { rebuildProjection } from '../../src/workers/rebuild.ts';
import { freshDatabase, testStoreKind, type TestDatabase } from '../support/database.ts';
import { startTestEventStoreDb, type TestEventStoreDb } from '../support/esdb.ts';
import { paidInvoiceEvent } from '../support/invoice-events.ts';

/**
 * A team on the Postgres log (or the embedded store) moves to EventStoreDB: `streams copy`, then
 * the ledger started with EVENTSTORE_CONNECTION_STRING. The read models stay where they were,
 * but their checkpoints were positions in the old log: the ledger sees the change and rebuilds
 * every projection from the new log, to the same rows.
 */
describe(`moving the log from Postgres to EventStoreDB (${testStoreKind})`, function () {
  this.timeout(180_000);
  let database: TestDatabase;
  let eventStoreDb: TestEventStoreDb;
  let dataDir: string;

  before(async () => {
    database = await freshDatabase();
    eventStoreDb = await startTestEventStoreDb();
    dataDir = mkdtempSync(join(tmpdir(), 'ledger-move-log-'));
  });
  after(async () => {
    await database?.close();
    await eventStoreDb?.stop();
    if (dataDir) rmSync(dataDir, { recursive: true, force: true });
  });

  const configFor = (log: 'postgres' | 'esdb') =>
    loadConfig({ NODE_ENV: 'test', DATA_DIR: dataDir, ...(log === 'esdb' ? { EVENTSTORE_CONNECTION_STRING: eventStoreDb.connectionString } : {}) });
  const paymentRows = async () => (await database.pool.query('select * from payments order by stripe_invoice_id')).rows;

  it('copies the history, then rebuilds every read model from EventStoreDB to the same rows', async () => {
    // A month on the Postgres log.
    let ledger: Ledger = await openLedger(configFor('postgres'), { command: 'test', database });
    const tenant = (await ledger.tenants.create('Acme')).tenant.id;
    const deps = { store: ledger.store, tenantExists: async () => true, tenantForStripeObject: async () => null };
    for (let i = 0; i < 30; i++) {
      const event = paidInvoiceEvent('current', { evt: `evt_move_${i}`, invoice: `in_move_${i}`, tenant, amount: 1000 + i, currency: 'usd', paidAt: 1_767_225_600 + i });
      await ingestStripeEvent(deps, event, new Date());
    }
    await catchUpLive(ledger);
    const before = await paymentRows();
    expect(before).to.have.length(30);
    await ledger.close();

    // The history copied over; the copy does not make EventStoreDB the ledger's log.
    const source = await openStoreForCopy('postgres', configFor('postgres'), database);
    const target = await openStoreForCopy('esdb', configFor('esdb'), database);
    try {
      const copied = await runStreamsCopy({ source, target, progressDb: database.db, pageSize: 500, restart: false, writeLine: () => {} });
      expect(copied.status).to.equal('equal');
    } finally {
      await source.close();
      await target.close();
    }

    // Started on EventStoreDB: the change is noticed, and every projection is to be rebuilt.
    const replaced: unknown[] = [];
    ledger = await openLedger(configFor('esdb'), { command: 'test', database, onEventLogReplaced: (adoption) => replaced.push(adoption) });
    try {
      expect(replaced).to.have.length(1);
      for (const projection of allProjections) expect((await liveVersion(database.db, projection)).outdated, projection.name).to.equal(true);
      // Meanwhile the API answers from the tables as they were.
      expect(await paymentRows()).to.deep.equal(before);
      for (const projection of allProjections) await rebuildProjection(ledger.store, database.db, projection, ledger.projectionContext);
      expect(await paymentRows()).to.deep.equal(before);
      for (const projection of allProjections) expect((await liveVersion(database.db, projection)).outdated, projection.name).to.equal(false);
    } finally {
      await ledger.close();
    }

    // Opened again on EventStoreDB: the same log, nothing to rebuild.
    replaced.length = 0;
    ledger = await openLedger(configFor('esdb'), { command: 'test', database, onEventLogReplaced: (adoption) => replaced.push(adoption) });
    await ledger.close();
    expect(replaced).to.deep.equal([]);
  });
});
