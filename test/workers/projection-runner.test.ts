import { expect } from 'chai';
import pino from 'pino';
import { allProjections, projectionByName } from '../../projections/all.ts';
import { readCheckpoint } from '../../src/workers/checkpoints.ts';
import { createAdvisoryLeases } from '../../adapters/db/advisory-lease.ts';
import { liveTarget } from '../../src/workers/apply-batch.ts';
import { runProjection } from '../../src/workers/projection-runner.ts';
import { rebuildProjection } from '../../src/workers/rebuild.ts';
import { fixtureEvent } from '../support/stripe-fixtures.ts';
import { paidInvoiceEvent } from '../support/invoice-events.ts';
import { testStoreKind } from '../support/database.ts';
import { capturingLogger } from '../support/log-capture.ts';
import { startTestLedger, type TestLedger } from '../support/test-ledger.ts';

const T0 = 1_767_225_600;

describe('projection runner and rebuild', function () {
  let t: TestLedger;
  let tenant: string;
  before(async () => {
    t = await startTestLedger();
    tenant = (await t.ledger.tenants.create('Runner')).tenant.id;
  });
  after(() => t.close());

  const count = async (table: string) => Number((await t.database.pool.query(`select count(*) as n from ${table}`)).rows[0].n);
  /** The payments of the invoices whose id starts with `prefix`: those one test delivered. */
  const paymentsOf = async (prefix: string) =>
    Number((await t.database.pool.query(`select count(*) as n from payments where stripe_invoice_id like $1`, [`${prefix}%`])).rows[0].n);

  it('follows live appends and resumes from its checkpoint after a restart, applying each event once', async () => {
    const payments = projectionByName('payments');
    const target = liveTarget(payments, t.ledger.projectionContext);
    const logger = pino({ level: 'silent' });
    let runner = runProjection(t.ledger.store, t.ledger.database.db, target, logger);
    await t.deliver(paidInvoiceEvent('2023-10', { evt: 'evt_run_1', invoice: 'in_run_1', tenant, amount: 100, currency: 'usd', paidAt: T0 }));
    const started = Date.now();
    while ((await paymentsOf('in_run_')) < 1 && Date.now() - started < 5000) await new Promise((r) => setTimeout(r, 10));
    expect(await paymentsOf('in_run_')).to.equal(1);
    await runner.stop();
    const stoppedAt = await readCheckpoint(t.ledger.database.db, 'payments');

    // While stopped, more events arrive; a new runner picks up exactly where the old one left.
    for (let i = 2; i <= 4; i++) {
      await t.deliver(paidInvoiceEvent('2023-10', { evt: `evt_run_${i}`, invoice: `in_run_${i}`, tenant, amount: 100, currency: 'usd', paidAt: T0 + i }));
    }
    runner = runProjection(t.ledger.store, t.ledger.database.db, target, logger);
    while ((await paymentsOf('in_run_')) < 4 && Date.now() - started < 10_000) await new Promise((r) => setTimeout(r, 10));
    await runner.stop();
    const after = await readCheckpoint(t.ledger.database.db, 'payments');
    expect(await paymentsOf('in_run_')).to.equal(4);
    expect(after.eventsApplied - stoppedAt.eventsApplied).to.equal(3n);
  });

  it('with leases, runs a projection in one instance at a time, and another takes over when it stops', async function () {
    if (testStoreKind !== 'postgres') this.skip(); // One process owns an embedded store: no lease to take.
    const routing = projectionByName('routing');
    const target = liveTarget(routing, t.ledger.projectionContext);
    const leases = createAdvisoryLeases(t.database.pool, { retryMs: 50 });
    const appliedBy = { a: 0, b: 0 };
    const { logger, lines } = capturingLogger();
    const a = runProjection(t.ledger.store, t.ledger.database.db, target, logger, { leases, hooks: { applied: (_p, n) => (appliedBy.a += n) } });
    await new Promise((r) => setTimeout(r, 200)); // a takes the lease first
    const b = runProjection(t.ledger.store, t.ledger.database.db, target, logger, { leases, hooks: { applied: (_p, n) => (appliedBy.b += n) } });
    const deliverAndWait = async (evt: string) => {
      await t.deliver(paidInvoiceEvent('2023-10', { evt, invoice: `in_${evt}`, tenant, amount: 1, currency: 'usd', paidAt: T0 }));
      const expected = await t.eventCount();
      const started = Date.now();
      while (Number((await readCheckpoint(t.ledger.database.db, 'routing')).eventsApplied) < expected && Date.now() - started < 5000) {
        await new Promise((r) => setTimeout(r, 20));
      }
    };
    try {
      await deliverAndWait('evt_lease_1');
      expect(appliedBy.a).to.be.greaterThan(0);
      expect(appliedBy.b).to.equal(0);
      await a.stop();
      await deliverAndWait('evt_lease_2');
      expect(appliedBy.b).to.be.greaterThan(0);
      // Hand-overs are in the log: a took it, let it go, b took it.
      const handovers = lines.filter((l) => l.projection === 'routing' && /lease/.test(String(l.msg))).map((l) => l.msg);
      expect(handovers).to.deep.equal(['took the lease: this instance runs the projection', 'released the lease', 'took the lease: this instance runs the projection']);
    } finally {
      await a.stop();
      await b.stop();
    }
  });

  it('rebuilds every projection into tables equal to the live ones, swapped in atomically', async () => {
    for (let i = 0; i < 30; i++) {
      await t.deliver(paidInvoiceEvent(i % 2 ? 'current' : '2023-10', { evt: `evt_rb_${i}`, invoice: `in_rb_${i}`, tenant, amount: 1000 + i, currency: i % 3 ? 'usd' : 'jpy', paidAt: T0 + 100 + i }));
      await t.deliver(
        fixtureEvent('2023-10', 'customer.subscription.updated', 'subscription', { id: `sub_rb_${i % 5}`, status: i % 4 ? 'active' : 'past_due', metadata: { tenant_id: tenant }, pending_update: null }, { id: `evt_rbs_${i}`, created: T0 + 100 + i }),
      );
    }
    await t.deliver(paidInvoiceEvent('2023-10', { evt: 'evt_rb_parked', invoice: 'in_rb_parked', tenant: '00000000-0000-4000-8000-000000000001', amount: 1, currency: 'usd', paidAt: T0 }));
    await t.project();
    const before = await t.database.pool.query('select * from payments order by id');
    for (const projection of allProjections) {
      const report = await rebuildProjection(t.ledger.store, t.ledger.database.db, projection, t.ledger.projectionContext);
      expect(report.equal, projection.name).to.equal(true);
      expect(report.tables.every((table) => table.onlyInLive === 0 && table.onlyInRebuilt === 0)).to.equal(true);
    }
    expect((await t.database.pool.query('select * from payments order by id')).rows).to.deep.equal(before.rows);
    expect(await count('subscriptions')).to.equal(5);
    const schemas = await t.database.pool.query(`select nspname from pg_namespace where nspname like 'rebuild_%'`);
    expect(schemas.rows).to.deep.equal([]);
  });

  it('rebuilds while the live runner follows new webhooks, and still ends equal', async function () {
    this.timeout(90_000);
    const payments = projectionByName('payments');
    const live = runProjection(t.ledger.store, t.ledger.database.db, liveTarget(payments, t.ledger.projectionContext), pino({ level: 'silent' }));
    try {
      const deliveries = (async () => {
        for (let i = 0; i < 40; i++) {
          await t.deliver(paidInvoiceEvent('2023-10', { evt: `evt_live_rb_${i}`, invoice: `in_live_rb_${i}`, tenant, amount: 700 + i, currency: 'usd', paidAt: T0 + 500 + i }));
        }
      })();
      const reports = [];
      for (let i = 0; i < 3; i++) reports.push(await rebuildProjection(t.ledger.store, t.ledger.database.db, payments, t.ledger.projectionContext));
      await deliveries;
      expect(reports.every((r) => r.equal)).to.equal(true);
    } finally {
      await live.stop();
    }
    await t.project();
    const { rows } = await t.database.pool.query(`select count(*)::int as n from payments where stripe_invoice_id like 'in_live_rb_%'`);
    expect(rows[0].n).to.equal(40);
  });

  it('reports a rebuild that differs from drifted live tables, and replaces them', async () => {
    await t.deliver(paidInvoiceEvent('2023-10', { evt: 'evt_drift', invoice: 'in_drift', tenant, amount: 1003, currency: 'usd', paidAt: T0 + 900 }));
    await t.project();
    await t.database.pool.query(`update payments set amount_minor = amount_minor + 1 where stripe_invoice_id = 'in_drift'`);
    const report = await rebuildProjection(t.ledger.store, t.ledger.database.db, projectionByName('payments'), t.ledger.projectionContext);
    expect(report.equal).to.equal(false);
    expect(report.tables.find((x) => x.table === 'payments')).to.include({ onlyInLive: 1, onlyInRebuilt: 1 });
    const { rows } = await t.database.pool.query(`select amount_minor from payments where stripe_invoice_id = 'in_drift'`);
    expect(rows[0].amount_minor).to.equal(1003n);
  });
});
