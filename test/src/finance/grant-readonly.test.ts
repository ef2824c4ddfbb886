import { expect } from 'chai';
import { randomBytes } from 'node:crypto';
import { sql } from 'kysely';
import { FINANCE_TABLES } from '../../../projections/finance-tables.ts';
import { allProjections } from '../../../projections/all.ts';
import { grantFinanceReadonly } from '../../../src/finance/grant-readonly.ts';
import { rebuildProjection } from '../../../src/workers/rebuild.ts';
import { testServerUrl } from '../../support/database.ts';
import { startTestLedger, type TestLedger } from '../../support/test-ledger.ts';

// Roles belong to the whole server, not to the suite's scratch database: only with one to test on.
(testServerUrl ? describe : describe.skip)('ledger finance grant-readonly (Postgres server)', function () {
  this.timeout(120_000);
  let t: TestLedger;
  const role = `finance_ro_${randomBytes(4).toString('hex')}`;
  const rebuiltRole = `${role}_rebuilt`;

  before(async () => {
    t = await startTestLedger();
  });
  after(async () => {
    if (!t) return;
    for (const name of [role, rebuiltRole]) {
      await t.database.pool.query(`drop owned by ${name}`).catch(() => {});
      await t.database.pool.query(`drop role if exists ${name}`);
    }
    await t.close();
  });

  /** Runs `statement` as the role (SET ROLE checks its privileges, as a login in its group would be). */
  async function asRole(statement: string, as = role): Promise<'allowed' | 'denied'> {
    const client = await t.database.pool.connect();
    try {
      await client.query('begin');
      await client.query(`set local role ${as}`);
      await client.query(statement);
      return 'allowed';
    } catch (error) {
      if ((error as { code?: string }).code === '42501') return 'denied';
      throw error;
    } finally {
      await client.query('rollback');
      client.release();
    }
  }

  it('creates a role that may select the finance tables and nothing else, and converges when run again', async () => {
    expect(await grantFinanceReadonly(t.ledger.database, role)).to.deep.equal({ created: true, tables: FINANCE_TABLES });
    // Something granted by hand since is taken back by the next run.
    await sql`grant select on table ${sql.id('public', 'tenants')} to ${sql.id(role)}`.execute(t.ledger.database.db);
    expect(await grantFinanceReadonly(t.ledger.database, role)).to.deep.include({ created: false });

    for (const table of FINANCE_TABLES) expect(await asRole(`select * from public.${table} limit 1`), table).to.equal('allowed');
    for (const statement of [
      'select * from public.tenants limit 1',
      'select * from public.api_keys limit 1',
      'select * from public.events limit 1',
      'select * from public.payment_refunds limit 1',
      "update public.payments set status = 'refunded'",
      'delete from public.money_movements',
      'create table public.mine (id int)',
    ]) {
      expect(await asRole(statement), statement).to.equal('denied');
    }
  });

  it('keeps the role\'s grants when a rebuild swaps in new finance tables', async () => {
    // A role of its own: the test above checks that its role is created, in whichever order they run.
    await grantFinanceReadonly(t.ledger.database, rebuiltRole);
    const finance = allProjections.filter((p) => p.tables.some((table) => (FINANCE_TABLES as readonly string[]).includes(table)));
    for (const projection of finance) await rebuildProjection(t.ledger.store, t.ledger.database.db, projection, t.ledger.projectionContext);
    for (const table of FINANCE_TABLES) expect(await asRole(`select * from public.${table} limit 1`, rebuiltRole), table).to.equal('allowed');
    expect(await asRole("update public.payments set status = 'refunded'", rebuiltRole)).to.equal('denied');
  });

  it('refuses a role name that would need quoting or is one of Postgres\'s own', async () => {
    for (const bad of ['Finance', 'pg_monitor', 'a b', 'x;drop role postgres']) {
      let message = '';
      await grantFinanceReadonly(t.ledger.database, bad).catch((error: Error) => (message = error.message));
      expect(message, bad).to.include('invalid role name');
    }
  });
});
