import { expect } from 'chai';
import pino from 'pino';
import { allProjections } from '../../projections/all.ts';
import { readCheckpoint } from '../../src/workers/checkpoints.ts';
import { startLiveWorkers } from '../../src/workers/live-workers.ts';
import { fixtureEvent } from '../support/stripe-fixtures.ts';
import { paidInvoiceEvent } from '../support/invoice-events.ts';
import { countingReads } from '../support/counting-reads.ts';
import { startTestLedger, type TestLedger } from '../support/test-ledger.ts';

const T0 = 1_767_225_600;

describe('live workers starting far behind the log', function () {
  this.timeout(60_000);
  let t: TestLedger;
  before(async () => {
    t = await startTestLedger();
  });
  after(() => t.close());

  it('catch every read model up in one read of the log, then follow it', async () => {
    const tenant = (await t.ledger.tenants.create('Far behind')).tenant.id;
    for (let i = 0; i < 30; i++) {
      await t.deliver(paidInvoiceEvent('2023-10', { evt: `evt_fb_${i}`, invoice: `in_fb_${i}`, tenant, amount: 100 + i, currency: 'usd', paidAt: T0 + i }));
      await t.deliver(fixtureEvent('2023-10', 'customer.subscription.updated', 'subscription', { id: `sub_fb_${i % 3}`, status: 'active', metadata: { tenant_id: tenant }, pending_update: null }, { id: `evt_fbs_${i}`, created: T0 + i }));
    }
    const tenantEvents = (await t.ledger.store.readAll({ streamPrefixes: ['tenant-'] })).length;

    const { store, reads } = countingReads(t.ledger.store);
    const workers = startLiveWorkers({ ...t.ledger, store }, pino({ level: 'silent' }));
    try {
      const deadline = Date.now() + 30_000;
      const atHead = async () => {
        for (const p of allProjections.filter((p) => p.streamPrefixes.includes('tenant-'))) {
          if ((await readCheckpoint(t.ledger.database.db, p.name)).eventsApplied < BigInt(tenantEvents)) return false;
        }
        return true;
      };
      while (!(await atHead()) && Date.now() < deadline) await new Promise((r) => setTimeout(r, 50));
      expect(await atHead(), 'every read model at the head').to.equal(true);

      // Every tenant event was read once, for all the read models together.
      const read = reads.flatMap((r) => r.events).filter((e) => e.streamName.startsWith('tenant-')).map((e) => e.id);
      expect(read.length).to.equal(tenantEvents);
      expect(new Set(read).size).to.equal(tenantEvents);

      // Then each follows the log.
      await t.deliver(paidInvoiceEvent('2023-10', { evt: 'evt_fb_after', invoice: 'in_fb_after', tenant, amount: 1, currency: 'usd', paidAt: T0 + 99 }));
      const followed = async () => Number((await t.database.pool.query(`select count(*) as n from payments where stripe_invoice_id = 'in_fb_after'`)).rows[0].n);
      while ((await followed()) < 1 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 20));
      expect(await followed()).to.equal(1);
    } finally {
      await workers.stop();
    }
  });
});
