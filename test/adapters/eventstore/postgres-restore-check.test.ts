import { expect } from 'chai';
import { tmpdir } from 'node:os';
import { RestoredLogError } from '../../../adapters/eventstore/postgres-restore-check.ts';
import { loadConfig } from '../../../src/config.ts';
import { openLedger } from '../../../src/ledger.ts';
import { freshDatabase, testStoreKind, type TestDatabase } from '../../support/database.ts';
import { rejection } from '../../contract/event-store-helpers.ts';
import { FAR_AHEAD, insertEventFromAnotherCluster } from './restored-log-helpers.ts';

/** DESIGN, "Global order in Postgres", consequence 2: a logically restored log is refused, not misread. */
describe(`opening a log restored into another cluster (${testStoreKind} store)`, function () {
  this.timeout(60_000);
  let database: TestDatabase;
  const config = loadConfig({ NODE_ENV: 'test', DATA_DIR: tmpdir(), STRIPE_WEBHOOK_SIGNING_SECRET: 'whsec_restore_check' });

  before(async () => {
    database = await freshDatabase();
    // Migrated, and open as usual while the log is the server's own.
    await (await openLedger(config, { command: 'test', database })).close();
  });
  after(async () => {
    await database?.close();
  });
  /** Brings the log back behind the server, as each test found it. */
  const removeRestoredEvent = () => database.pool.query(`DELETE FROM events WHERE stream_name = 'tenant-restored'`);
  afterEach(removeRestoredEvent);

  it('refuses to open with both transaction ids, what happened and what to do', async () => {
    await insertEventFromAnotherCluster((sql, params) => database.pool.query(sql, params));
    const { rows } = await database.pool.query<{ next: string }>('SELECT pg_snapshot_xmax(pg_current_snapshot())::text AS next');
    const error = await rejection(openLedger(config, { command: 'test', database }));
    expect(error).to.be.instanceOf(RestoredLogError);
    expect(error).to.include({ newest: FAR_AHEAD });
    const next = (error as RestoredLogError).next;
    expect(next >= BigInt(rows[0]!.next) && next < FAR_AHEAD).to.equal(true);
    expect(error.message).to.include(`transaction id ${FAR_AHEAD}`).and.to.include(`next transaction id is ${next}`);
    expect(error.message).to.match(/restored from a logical dump \(pg_dump\) into another cluster/);
    expect(error.message).to.include('pg_resetwal -e 3 ').and.to.include('Backup and restore');
    expect(error.message).not.to.include('\n');
  });

  it('opens again once the log is behind the server', async () => {
    await insertEventFromAnotherCluster((sql, params) => database.pool.query(sql, params));
    expect(await rejection(openLedger(config, { command: 'test', database }))).to.be.instanceOf(RestoredLogError);
    await removeRestoredEvent();
    await (await openLedger(config, { command: 'test', database })).close();
  });
});
