import { expect } from 'chai';
import { readFileSync } from 'node:fs';
import pino from 'pino';
import { allProjections } from '../../projections/all.ts';
import { liveTarget } from '../../src/workers/apply-batch.ts';
import { runProjection } from '../../src/workers/projection-runner.ts';
import { liveVersion } from '../../src/workers/projection-versions.ts';
import { rebuildProjection } from '../../src/workers/rebuild.ts';
import { paidInvoiceEvent } from '../support/invoice-events.ts';
import { startTestLedger, type TestLedger } from '../support/test-ledger.ts';

/** A database the release at commit c46a270 built: its tables lack `livemode` (see the file's header). */
const PREVIOUS_RELEASE = readFileSync(new URL('../fixtures/databases/ledger-c46a270.sql', import.meta.url), 'utf8');
/** The projections that release had. */
const PREVIOUS_RELEASE_PROJECTIONS = ['routing', 'subscriptions', 'payments'];
const ACME = 'f6171d39-3979-4ee8-9213-306f434163cc';
const ACME_KEY = 'lk_9swzIDIpJLbBMeh9Xj5aCSJhcs0GXJ2eHMM-XZ7Uk24';

type Payment = { invoice_id: string; livemode: boolean | null };

/** A ledger opened on a fresh copy of that database. */
// That release kept its log in Postgres, beside the read models, whatever TEST_EVENT_LOG says.
const previousRelease = () => startTestLedger({}, { prepare: (database) => database.pool.query(PREVIOUS_RELEASE), eventLog: 'postgres' });

/** An invoice.paid that arrives once the new release runs. */
const AFTER_UPGRADE = paidInvoiceEvent('2023-10', { evt: 'evt_after_upgrade', invoice: 'in_after_upgrade', tenant: ACME, amount: 4900, currency: 'usd', paidAt: 1_767_312_000 });

describe('upgrading a database built by the previous release', function () {
  this.timeout(60_000);
  /** Still outdated: no test here runs the runners on it. */
  let t: TestLedger;
  before(async () => {
    t = await previousRelease();
  });
  after(() => t?.close());

  const paymentsOf = async (ledger: TestLedger) => {
    const res = await ledger.get('/api/v1/billing/payments?limit=100', ACME_KEY);
    expect(res.status, JSON.stringify(res.json)).to.equal(200);
    return res.json.payments as Payment[];
  };
  const payments = () => paymentsOf(t);

  it('opens it, and the API answers from the old tables while they are outdated', async () => {
    for (const projection of allProjections) {
      // A projection that release did not have starts empty at this version, and catches up from the start of the log.
      const expected = PREVIOUS_RELEASE_PROJECTIONS.includes(projection.name) ? { builtBy: null, outdated: true } : { builtBy: projection.version, outdated: false };
      expect(await liveVersion(t.ledger.database.db, projection), projection.name).to.include(expected);
    }
    const old = await payments();
    expect(old).to.have.length(3);
    expect(old.map((p) => p.livemode)).to.deep.equal([null, null, null]);
    const subscription = await t.get('/api/v1/billing/subscription', ACME_KEY);
    expect(subscription.status).to.equal(200);
    expect(subscription.json.subscription).to.include({ status: 'active', livemode: null });
  });

  it('leaves the outdated tables alone: nothing is applied to them', async () => {
    expect((await t.deliver(AFTER_UPGRADE)).status).to.equal(200);
    await t.project();
    expect(await payments()).to.have.length(3);
  });

  it('the runners rebuild each projection from the log into new tables and swap them in', async () => {
    // A database of its own: the upgrade ends the outdated state the other tests look at.
    const u = await previousRelease();
    try {
      expect((await u.deliver(AFTER_UPGRADE)).status).to.equal(200);
      const logger = pino({ level: 'silent' });
      const runners = allProjections.map((projection) =>
        runProjection(u.ledger.store, u.ledger.database.db, liveTarget(projection, u.ledger.projectionContext), logger, { leases: u.ledger.leases }),
      );
      try {
        const deadline = Date.now() + 30_000;
        for (const projection of allProjections) {
          while ((await liveVersion(u.ledger.database.db, projection)).outdated) {
            if (Date.now() > deadline) throw new Error(`${projection.name} was not upgraded within 30 s`);
            await new Promise((resolve) => setTimeout(resolve, 25));
          }
        }
        let upgraded: Payment[] = [];
        while (upgraded.length < 4 && Date.now() < deadline) {
          upgraded = await paymentsOf(u);
          await new Promise((resolve) => setTimeout(resolve, 25));
        }
        expect(upgraded.map((p) => p.invoice_id)).to.include('in_after_upgrade');
        expect(upgraded.map((p) => p.livemode)).to.deep.equal([false, false, false, false]);
      } finally {
        await Promise.all(runners.map((runner) => runner.stop()));
      }
      const versions = await u.database.pool.query('select name, schema_version from projection_checkpoints order by name');
      expect(versions.rows).to.deep.equal(allProjections.map((p) => ({ name: p.name, schema_version: p.version })).sort((a, b) => a.name.localeCompare(b.name)));
      // The parked event of the old release is still known to the routing read model.
      expect((await u.ledger.routing.parked()).map((p) => p.stripeEventId)).to.deep.equal(['evt_simmwyvs4mt000004']);
      // And a rebuild of the new tables replays to the same rows.
      for (const projection of allProjections) {
        const report = await rebuildProjection(u.ledger.store, u.ledger.database.db, projection, u.ledger.projectionContext);
        expect(report, projection.name).to.include({ equal: true, fromVersion: projection.version });
      }
    } finally {
      await u.close();
    }
  });
});
