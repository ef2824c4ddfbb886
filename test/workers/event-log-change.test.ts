import { expect } from 'chai';
import { sql } from 'kysely';
import { migrateDatabase } from '../../adapters/db/migrate.ts';
import { readEventLogRecord } from '../../adapters/db/event-log-record.ts';
import { createPostgresEventStore } from '../../adapters/eventstore/postgres.ts';
import type { EventStore } from '../../domain/ports/event-store.ts';
import { advanceCheckpoint, ensureCheckpointRow, readCheckpoint } from '../../src/workers/checkpoints.ts';
import { adoptEventLog } from '../../src/workers/event-log-change.ts';
import { freshDatabase, type TestDatabase } from '../support/database.ts';

describe('the log the read models were built from', function () {
  this.timeout(60_000);
  let readModels: TestDatabase;
  let otherLogDatabase: TestDatabase;
  let ownLog: EventStore;
  let otherLog: EventStore;

  beforeEach(async () => {
    readModels = await freshDatabase();
    otherLogDatabase = await freshDatabase();
    await migrateDatabase(readModels.db);
    await migrateDatabase(otherLogDatabase.db);
    ownLog = createPostgresEventStore(readModels.pool);
    otherLog = createPostgresEventStore(otherLogDatabase.pool);
    const event = { id: '6f1a3c52-0000-4000-8000-000000000001', type: 'Seen', data: {} };
    await ownLog.append('tenant-a', [event]);
    // The same event id in another log, as a copy would hold it: positions differ.
    await otherLog.append('tenant-a', [event]);
    await ensureCheckpointRow(readModels.db, 'payments', 1);
  });
  afterEach(async () => {
    await ownLog.close();
    await otherLog.close();
    await readModels.close();
    await otherLogDatabase.close();
  });

  it('is recorded on first use, and the same log is taken up again as it is', async () => {
    expect((await adoptEventLog(readModels.db, ownLog, 'postgres')).replaced).to.equal(null);
    const record = await readEventLogRecord(readModels.db);
    expect(record?.storeKind).to.equal('postgres');
    expect(record?.firstEvent).to.match(/^6f1a3c52-0000-4000-8000-000000000001@\d+\/\d+$/);
    await advanceCheckpoint(readModels.db, 'payments', { commit: 5n, prepare: 0n }, 1);
    expect((await adoptEventLog(readModels.db, ownLog, 'postgres')).replaced).to.equal(null);
    expect((await readCheckpoint(readModels.db, 'payments')).schemaVersion).to.equal(1);
  });

  it('marks every projection for a rebuild when another log (even a copy of this one) replaces it', async () => {
    await adoptEventLog(readModels.db, ownLog, 'postgres');
    await advanceCheckpoint(readModels.db, 'payments', { commit: 5n, prepare: 0n }, 1);
    const adoption = await adoptEventLog(readModels.db, otherLog, 'esdb');
    expect(adoption.replaced?.storeKind).to.equal('postgres');
    expect(adoption.current.storeKind).to.equal('esdb');
    expect((await readCheckpoint(readModels.db, 'payments')).schemaVersion).to.equal(null);
    // Once adopted, the new log is the one the read models are (being re)built from.
    expect((await adoptEventLog(readModels.db, otherLog, 'esdb')).replaced).to.equal(null);
  });

  it('takes a first log, or a log before any event was applied, as it comes', async () => {
    // A database from before the record existed was built from the Postgres log.
    await advanceCheckpoint(readModels.db, 'payments', { commit: 5n, prepare: 0n }, 1);
    expect((await adoptEventLog(readModels.db, ownLog, 'postgres')).replaced).to.equal(null);
    await sql`delete from event_log`.execute(readModels.db);
    await sql`update projection_checkpoints set commit_position = -1, prepare_position = -1`.execute(readModels.db);
    expect((await adoptEventLog(readModels.db, otherLog, 'esdb')).replaced).to.equal(null);
    expect((await readCheckpoint(readModels.db, 'payments')).schemaVersion).to.equal(1);
  });

  it('a database from before the record, built from Postgres, is rebuilt when it first meets another log', async () => {
    await advanceCheckpoint(readModels.db, 'payments', { commit: 5n, prepare: 0n }, 1);
    const adoption = await adoptEventLog(readModels.db, otherLog, 'esdb');
    expect(adoption.replaced).to.deep.equal({ storeKind: 'postgres', firstEvent: null });
    expect((await readCheckpoint(readModels.db, 'payments')).schemaVersion).to.equal(null);
  });
});
