import { expect } from 'chai';
import pg from 'pg';
import { createScratchDatabase } from '../../adapters/db/scratch-database.ts';
import { allProjections } from '../../projections/all.ts';
import { buildHttpApp } from '../../src/http/app.ts';
import { createLogger } from '../../src/logger.ts';
import { createMetrics } from '../../src/metrics.ts';
import { sampleProjections, type MonitorSnapshot } from '../../src/workers/projection-monitor.ts';
import { jsonLines, runLedger } from '../support/cli.ts';
import { testServerUrl, testStoreKind } from '../support/database.ts';
import { paidInvoiceEvent } from '../support/invoice-events.ts';
import { startTestLedger, TEST_WEBHOOK_SECRET, testEventLog, type TestLedger } from '../support/test-ledger.ts';

const T0 = 1_767_225_600;

describe('projection monitor: lag, stalls and the log horizon', function () {
  this.timeout(60_000);
  let t: TestLedger;
  let tenant: string;
  before(async () => {
    t = await startTestLedger();
    tenant = (await t.ledger.tenants.create('Acme')).tenant.id;
  });
  after(() => t?.close());

  const sample = (stallSeconds: number, now = new Date()) =>
    sampleProjections({ store: t.ledger.store, db: t.ledger.database.db, diagnostics: t.ledger.diagnostics, projections: allProjections, stallSeconds }, now);

  /** GET /readyz of an app whose monitor reports `snapshot`. */
  async function readyz(snapshot: MonitorSnapshot) {
    const app = buildHttpApp(t.ledger, { logger: createLogger('silent'), metrics: createMetrics(), webhookSecrets: [TEST_WEBHOOK_SECRET], monitor: { latest: () => snapshot } });
    try {
      const res = await app.inject({ method: 'GET', url: '/readyz' });
      return { status: res.statusCode, json: res.json() as { status: string; problems: string[]; projections: Record<string, { behind_events: number; stalled: boolean }> } };
    } finally {
      await app.close();
    }
  }

  it('counts what each projection has still to apply, and calls one that stands still with events waiting stalled', async () => {
    await t.project(); // what other tests delivered is not waiting: these 3 are
    for (let i = 0; i < 3; i++) {
      await t.deliver(paidInvoiceEvent('2023-10', { evt: `evt_mon_${i}`, invoice: `in_mon_${i}`, tenant, amount: 100, currency: 'usd', paidAt: T0 + i }));
    }
    const now = await sample(60);
    const payments = now.projections.find((p) => p.projection === 'payments')!;
    expect(payments).to.include({ behindEvents: 3, stalled: false, setAside: 0, outdated: false });

    // Nothing applied them: a minute and a half later they still wait.
    const later = await sample(60, new Date(Date.now() + 90_000));
    expect(later.projections.find((p) => p.projection === 'payments')).to.include({ stalled: true });
    expect(later.projections.find((p) => p.projection === 'payments')!.behindSeconds).to.be.above(60);
    const ready = await readyz(later);
    expect(ready.status).to.equal(200); // still takes webhooks
    expect(ready.json.status).to.equal('degraded');
    expect(ready.json.projections.payments).to.include({ behind_events: 3, stalled: true });
    expect(ready.json.problems.join('\n')).to.match(/payments has not moved/);

    await t.project();
    const caughtUp = await sample(60, new Date(Date.now() + 90_000));
    expect(caughtUp.projections.find((p) => p.projection === 'payments')).to.include({ behindEvents: 0, behindSeconds: 0, stalled: false });
    expect((await readyz(caughtUp)).json.status).to.equal('ready');
  });

  it('names the open transaction, in any database of the server, that holds committed events back', async function () {
    // The embedded store runs one transaction at a time: nothing can be held open beside it.
    // And only a log in Postgres has a visibility horizon.
    if (testStoreKind !== 'postgres' || testEventLog !== 'postgres') this.skip();
    const other = await createScratchDatabase(testServerUrl!, 'ledger_horizon_holder');
    const holder = new pg.Client({ connectionString: other.url, application_name: 'report-left-open' });
    await holder.connect();
    try {
      await holder.query('begin');
      await holder.query('select pg_current_xact_id()'); // now it has a transaction id: the horizon
      const { rows } = await holder.query('select pg_backend_pid() as pid');
      await t.deliver(paidInvoiceEvent('2023-10', { evt: 'evt_held_back', invoice: 'in_held_back', tenant, amount: 100, currency: 'usd', paidAt: T0 }));
      await new Promise((resolve) => setTimeout(resolve, 1100));

      const snapshot = await sample(1);
      expect(snapshot.log?.notYetVisible).to.be.at.least(1);
      expect(snapshot.log?.holder).to.include({ pid: rows[0].pid, state: 'idle in transaction', applicationName: 'report-left-open' });
      expect(snapshot.log?.holder?.database).to.match(/^ledger_horizon_holder_/);
      expect(snapshot.log?.stalled).to.equal(true);
      expect(snapshot.projections.find((p) => p.projection === 'payments')!.notYetVisible).to.be.at.least(1);
      const ready = await readyz(snapshot);
      expect(ready.json.problems.join('\n')).to.match(/wait for an open transaction on the server \(pid \d+, database ledger_horizon_holder_/);
      const metrics = createMetrics();
      metrics.observeProjections(snapshot);
      expect(await metrics.registry.metrics()).to.match(/ledger_log_horizon_holder_age_seconds [1-9]/);

      // `projections status` counts them in the lag, and says what they wait for.
      const status = await runLedger(['projections', 'status'], { DATABASE_URL: t.database.url, STRIPE_WEBHOOK_SIGNING_SECRET: TEST_WEBHOOK_SECRET, DATA_DIR: t.ledger.config.dataDir });
      expect(status.code, status.stderr).to.equal(0);
      const payments = jsonLines(status.stdout).find((line) => line.projection === 'payments')!;
      expect(payments.notYetVisible).to.be.at.least(1);
      expect(payments.lag).to.be.at.least(payments.notYetVisible as number);
      expect(payments.waitingFor).to.include({ pid: rows[0].pid });
    } finally {
      await holder.query('rollback').catch(() => {});
      await holder.end();
      await other.drop();
    }
  });

  it('shows the samples as gauges at /metrics', async () => {
    await t.project();
    const metrics = createMetrics();
    metrics.observeProjections(await sample(60));
    const text = await metrics.registry.metrics();
    expect(text).to.match(/ledger_projection_lag_events\{projection="payments"\} 0/);
    expect(text).to.match(/ledger_projection_set_aside_events\{projection="routing"\} 0/);
    expect(text).to.include('ledger_projection_stalled{projection="subscriptions"} 0');
  });
});
