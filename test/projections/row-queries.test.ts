import { expect } from 'chai';
import { sql } from 'kysely';
import { selectRowsMatching, upsertRows } from '../../projections/row-queries.ts';
import { freshDatabase, type TestDatabase } from '../support/database.ts';

describe('upsertRows', function () {
  this.timeout(60_000);
  let database: TestDatabase;
  before(async () => {
    database = await freshDatabase();
    await sql`create table upserted (id text primary key, amount bigint not null, at timestamptz, flag boolean not null, currency char(3), note text)`.execute(database.db);
  });
  after(() => database.close());

  it('stores each value as the column reads it, and overwrites a row whose key exists', async () => {
    const at = new Date('2026-11-27T12:34:56.789Z');
    await upsertRows(database.db, 'upserted', 'id', [
      { id: 'a', amount: 9_223_372_036_854_775_807n, at, flag: true, currency: 'USD', note: 'quote " and \\ and ünïcode' },
      { id: 'b', amount: -1n, at: null, flag: false, currency: null, note: null },
    ]);
    await upsertRows(database.db, 'upserted', 'id', [{ id: 'b', amount: 42n, at, flag: true, currency: 'EUR', note: 'second' }]);
    const rows = await selectRowsMatching<Record<string, unknown>>(database.db, 'upserted', { id: ['a', 'b'] });
    rows.sort((x, y) => String(x.id).localeCompare(String(y.id)));
    expect(rows).to.deep.equal([
      { id: 'a', amount: 9_223_372_036_854_775_807n, at, flag: true, currency: 'USD', note: 'quote " and \\ and ünïcode' },
      { id: 'b', amount: 42n, at, flag: true, currency: 'EUR', note: 'second' },
    ]);
  });
});
