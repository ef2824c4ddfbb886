import { expect } from 'chai';
import { allProjections, projectionByName } from '../../projections/all.ts';
import { readCheckpoint } from '../../src/workers/checkpoints.ts';
import { rebuildProjections } from '../../src/workers/rebuild.ts';
import { fixtureEvent } from '../support/stripe-fixtures.ts';
import { paidInvoiceEvent } from '../support/invoice-events.ts';
import { countingReads } from '../support/counting-reads.ts';
import { startTestLedger, type TestLedger } from '../support/test-ledger.ts';

const T0 = 1_767_225_600;

describe('rebuilding several projections together', function () {
  let t: TestLedger;
  before(async () => {
    t = await startTestLedger();
    const tenant = (await t.ledger.tenants.create('Together')).tenant.id;
    for (let i = 0; i < 25; i++) {
      await t.deliver(paidInvoiceEvent(i % 2 ? 'current' : '2023-10', { evt: `evt_tg_${i}`, invoice: `in_tg_${i}`, tenant, amount: 1000 + i, currency: i % 3 ? 'usd' : 'jpy', paidAt: T0 + i }));
      await t.deliver(
        fixtureEvent('2023-10', 'customer.subscription.updated', 'subscription', { id: `sub_tg_${i % 4}`, status: i % 3 ? 'active' : 'past_due', metadata: { tenant_id: tenant }, pending_update: null }, { id: `evt_tgs_${i}`, created: T0 + i }),
      );
    }
    // One for a tenant that does not exist: parked in `unrouted`, a stream only routing reads.
    await t.deliver(paidInvoiceEvent('2023-10', { evt: 'evt_tg_parked', invoice: 'in_tg_parked', tenant: '00000000-0000-4000-8000-000000000001', amount: 1, currency: 'usd', paidAt: T0 }));
    await t.project();
  });
  after(() => t.close());

  it('reads the log once for all of them, in batches, and ends equal to the live tables', async () => {
    const { store, reads } = countingReads(t.ledger.store);
    const logSize = await t.eventCount();
    const reports = await rebuildProjections(store, t.ledger.database.db, allProjections, t.ledger.projectionContext, { batchSize: 10 });

    expect(reports.map((r) => r.projection)).to.deep.equal(allProjections.map((p) => p.name));
    for (const report of reports) expect(report.equal, report.projection).to.equal(true);
    // The live tables were at the head: their catch-up read again at most what lies past a
    // projection's last event (the parked event, say), never a tenant's; the shadows read each
    // event once, ten at a time.
    const tenantEvents = reads.flatMap((r) => r.events).filter((e) => e.streamName.startsWith('tenant-')).map((e) => e.id);
    expect(new Set(tenantEvents).size).to.equal(tenantEvents.length);
    const read = new Set(reads.flatMap((r) => r.events.map((e) => e.id + e.streamName)));
    expect(read.size).to.be.at.most(logSize);
    expect(read.size).to.be.greaterThan(50);
    expect(Math.max(...reads.map((r) => r.events.length))).to.equal(10);
    expect(reads.filter((r) => r.events.length > 0).length).to.be.at.most(Math.ceil(read.size / 10) + 2);
    const schemas = await t.database.pool.query(`select nspname from pg_namespace where nspname like 'rebuild_%'`);
    expect(schemas.rows).to.deep.equal([]);
  });

  it('gives each projection only the streams it reads, and each checkpoint its own position', async () => {
    const names = ['routing', 'entitlements', 'payments'];
    const before = new Map<string, bigint>();
    for (const name of names) before.set(name, (await readCheckpoint(t.ledger.database.db, name)).eventsApplied);
    const reports = await rebuildProjections(t.ledger.store, t.ledger.database.db, names.map(projectionByName), t.ledger.projectionContext, { batchSize: 7 });
    for (const report of reports) {
      expect(report.equal, report.projection).to.equal(true);
      // A rebuild counts what its projection read, as the live runner did.
      expect(BigInt(report.eventsApplied), report.projection).to.equal(before.get(report.projection));
    }
    expect(reports.find((r) => r.projection === 'routing')!.eventsApplied).to.be.greaterThan(reports.find((r) => r.projection === 'payments')!.eventsApplied);
  });

  it('while webhooks arrive and the live tables follow them, goes round again and still ends equal', async () => {
    const tenant = (await t.ledger.tenants.create('Moving')).tenant.id;
    let delivering = true;
    const deliveries = (async () => {
      for (let i = 0; delivering && i < 200; i++) {
        await t.deliver(paidInvoiceEvent('2023-10', { evt: `evt_mv_${i}`, invoice: `in_mv_${i}`, tenant, amount: 500 + i, currency: 'usd', paidAt: T0 + i }));
        await t.project();
      }
    })();
    try {
      const reports = await rebuildProjections(t.ledger.store, t.ledger.database.db, allProjections, t.ledger.projectionContext, {
        batchSize: 3,
        // Slowed a little, so the live tables move on before the first swap.
        onProgress: () => void Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, 2),
      });
      for (const report of reports) expect(report.equal, report.projection).to.equal(true);
    } finally {
      delivering = false;
      await deliveries;
    }
  });

  it('stopped part way, leaves the live tables as they were, and a second run ends equal', async () => {
    const stop = new AbortController();
    const payments = await t.database.pool.query('select * from payments order by id');
    const stopped = await rebuildProjections(t.ledger.store, t.ledger.database.db, allProjections, t.ledger.projectionContext, {
      batchSize: 5,
      signal: stop.signal,
      onProgress: (_name, phase, applied) => {
        if (phase === 'rebuild' && applied >= 10) stop.abort(new Error('stop here'));
      },
    }).then(
      () => null,
      (error: unknown) => error,
    );
    expect(String(stopped)).to.include('stop here');
    expect((await t.database.pool.query('select * from payments order by id')).rows).to.deep.equal(payments.rows);
    const reports = await rebuildProjections(t.ledger.store, t.ledger.database.db, allProjections, t.ledger.projectionContext);
    for (const report of reports) expect(report.equal, report.projection).to.equal(true);
    const schemas = await t.database.pool.query(`select nspname from pg_namespace where nspname like 'rebuild_%'`);
    expect(schemas.rows).to.deep.equal([]);
  });
});
