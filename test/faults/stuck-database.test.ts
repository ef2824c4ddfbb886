import { expect } from 'chai';
import { randomUUID } from 'node:crypto';
import { setTimeout as sleep } from 'node:timers/promises';
import { sql } from 'kysely';
import pg from 'pg';
import { withoutStatementTimeout } from '../../adapters/db/long-running.ts';
import type { DatabaseFailure } from '../../adapters/db/database-errors.ts';
import { loadConfig } from '../../src/config.ts';
import { openLedger } from '../../src/ledger.ts';
import { holdAppend } from '../adapters/eventstore/out-of-order-helpers.ts';
import { testStoreKind } from '../support/database.ts';
import { paidInvoiceEvent } from '../support/invoice-events.ts';
import { startTestLedger } from '../support/test-ledger.ts';
import { deliverInvoicePaid, serveOnScratchDatabase } from './serve-process.ts';

const readiness = async (url: string) => {
  const res = await fetch(`${url}/readyz`);
  return { status: res.status, body: (await res.json()) as { status: string; checks: Record<string, string> } };
};

/**
 * Nothing the ledger does waits forever: a webhook that cannot be stored in time is answered
 * 503 quickly (Stripe retries it) and /readyz says ingest is failing, and why.
 */
describe('a stuck database (timeouts)', function () {
  this.timeout(60_000);

  describe('on a Postgres server', () => {
    // PGlite has one connection, served in-process: no other session can hold a lock or sit
    // idle in a transaction; the pool's connect timeout guards it (tested below).
    const suite = serveOnScratchDatabase('ledger_stuck_test', { tenants: 1 });

    it("answers 503 within the lock timeout while a stream's lock is held, and stores the redelivery once it is free", async () => {
      const server = await suite.start();
      const tenantId = suite.tenants[0]!;
      // Another session holds the stream with the very statements an append runs, and stalls.
      const holder = new pg.Client({ connectionString: suite.url });
      await holder.connect();
      try {
        const held = await holdAppend(holder, `tenant-${tenantId}`, [{ id: randomUUID(), type: 'Held', data: {} }]);
        const started = performance.now();
        const stuck = await deliverInvoicePaid(server.url, { evt: 'evt_stuck_1', tenant: tenantId, timeoutMs: 10_000 });
        const waited = performance.now() - started;
        expect(stuck.status, stuck.body).to.equal(503);
        // The default lock timeout is 2 s.
        expect(waited).to.be.lessThan(3500);

        const ready = await readiness(server.url);
        expect(ready.status).to.equal(503);
        expect(ready.body.checks.ingest).to.match(/^down: the last webhook .*could not be stored: lock timeout$/);
        expect(ready.body.checks.database).to.equal('ok');

        await held.rollback();
        const again = await deliverInvoicePaid(server.url, { evt: 'evt_stuck_1', tenant: tenantId });
        expect(again.status, again.body).to.equal(200);
        expect((await readiness(server.url)).status).to.equal(200);
        const { rows } = await holder.query(`select count(*)::int as n from events where metadata->>'stripeEventId' = 'evt_stuck_1'`);
        expect(rows[0].n).to.equal(1);
      } finally {
        await holder.end();
      }
    });

    it('ends a transaction of ours left idle, on the server', async () => {
      const failures: DatabaseFailure[] = [];
      const ledger = await openLedger(
        loadConfig({ NODE_ENV: 'test', DATABASE_URL: suite.url, DB_IDLE_IN_TRANSACTION_TIMEOUT_MS: '300' }),
        { command: 'test', onConnectionError: (failure) => failures.push(failure) },
      );
      try {
        const client = await ledger.database.pool.connect();
        let ended: unknown;
        let pid: number;
        try {
          await client.query('begin');
          pid = (await client.query<{ pid: number }>('select pg_backend_pid() as pid')).rows[0]!.pid;
          await sleep(1000);
          await client.query('select 1').catch((error: unknown) => (ended = error));
        } finally {
          client.release(true);
        }
        expect(ended, 'the idle transaction was still open').to.be.instanceOf(Error);
        expect(failures.map((f) => f.reason)).to.include('idle-in-transaction timeout');
        const gone = await ledger.database.pool.query('select count(*)::int as n from pg_stat_activity where pid = $1', [pid]);
        expect(gone.rows[0].n).to.equal(0);
      } finally {
        await ledger.close();
      }
    });

    it('runs a long statement only where the timeout was lifted for it', async () => {
      const ledger = await openLedger(loadConfig({ NODE_ENV: 'test', DATABASE_URL: suite.url, DB_STATEMENT_TIMEOUT_MS: '200' }), { command: 'test' });
      try {
        let canceled: unknown;
        await sql`select pg_sleep(0.5)`.execute(ledger.database.db).catch((error: unknown) => (canceled = error));
        expect((canceled as { code?: string } | undefined)?.code).to.equal('57014');
        await withoutStatementTimeout(ledger.database.db, (trx) => sql`select pg_sleep(0.5)`.execute(trx));
        // The connection went back to the pool with its timeout in force.
        const { rows } = await sql<{ statement_timeout: string }>`show statement_timeout`.execute(ledger.database.db);
        expect(rows[0]!.statement_timeout).to.equal('200ms');
      } finally {
        await ledger.close();
      }
    });
  });

  describe(`when no connection is free (${testStoreKind} store)`, () => {
    it('answers 503 within the connect timeout and reports failing ingest', async () => {
      const t = await startTestLedger({ DB_CONNECT_TIMEOUT_MS: '500' });
      const pool = t.database.pool;
      const taken = await Promise.all(Array.from({ length: pool.options.max }, () => pool.connect()));
      const releaseAll = () => taken.splice(0).forEach((client) => client.release());
      try {
        const started = performance.now();
        const event = paidInvoiceEvent('2023-10', { evt: 'evt_no_conn', invoice: 'in_no_conn', tenant: '', amount: 100, currency: 'usd', paidAt: 1_767_225_600 });
        const res = await t.deliver(event);
        expect(res.status).to.equal(503);
        expect(performance.now() - started).to.be.lessThan(2000);
        const ready = await t.get('/readyz');
        expect(ready.status).to.equal(503);
        expect((ready.json.checks as Record<string, string>).ingest).to.match(/could not be stored: no connection within the connect timeout$/);
        releaseAll();
        expect((await t.deliver(event)).status).to.equal(200);
      } finally {
        releaseAll();
        await t.close();
      }
    });
  });
});
