import { expect } from 'chai';
import { randomUUID } from 'node:crypto';
import type { Json } from '../../domain/ports/event-store.ts';
import { projectionByName } from '../../projections/all.ts';
import type { Projection } from '../../projections/projection.ts';
import { liveTarget } from '../../src/workers/apply-batch.ts';
import { listDeadLetters } from '../../src/workers/dead-letters.ts';
import { runProjection } from '../../src/workers/projection-runner.ts';
import { rebuildProjection } from '../../src/workers/rebuild.ts';
import { retryDeadLetters } from '../../src/workers/retry-dead-letters.ts';
import { invoicePaid } from '../support/domain-events.ts';
import { paidInvoiceEvent } from '../support/invoice-events.ts';
import { capturingLogger } from '../support/log-capture.ts';
import { startTestLedger, type TestLedger } from '../support/test-ledger.ts';

const T0 = 1_767_225_600;

async function until(condition: () => Promise<boolean>, what: string, ms = 20_000): Promise<void> {
  const deadline = Date.now() + ms;
  while (!(await condition())) {
    if (Date.now() > deadline) throw new Error(`timed out after ${ms} ms waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 25));
  }
}

/** A ledger whose log holds, between two payments of two tenants, an event the payments projection cannot apply. */
async function ledgerWithPoison(poisonId: string): Promise<{ t: TestLedger; acme: string; globex: string }> {
  const t = await startTestLedger();
  try {
    const acme = (await t.ledger.tenants.create('Acme')).tenant.id;
    const globex = (await t.ledger.tenants.create('Globex')).tenant.id;
    await t.deliver(paidInvoiceEvent('2023-10', { evt: 'evt_before', invoice: 'in_before', tenant: acme, amount: 100, currency: 'usd', paidAt: T0 }));
    // Stored by an older release that let an impossible date through: Postgres cannot hold it.
    const poison = invoicePaid({ id: 'in_poison', paidAt: -1_000_000_000_000 }, { tenantId: acme, created: -1_000_000_000_000 });
    await t.ledger.store.append(`tenant-${acme}`, [{ id: poisonId, type: poison.type, data: poison.data as unknown as Json, metadata: { stripeEventId: 'evt_poison' } }]);
    await t.deliver(paidInvoiceEvent('2023-10', { evt: 'evt_after', invoice: 'in_after', tenant: globex, amount: 200, currency: 'usd', paidAt: T0 + 1 }));
    return { t, acme, globex };
  } catch (error) {
    await t.close();
    throw error;
  }
}

const paymentOf = async (t: TestLedger, invoice: string) =>
  (await t.database.pool.query('select tenant_id from payments where stripe_invoice_id = $1', [invoice])).rows[0] as { tenant_id: string } | undefined;

/** Runs the live payments projection, allowing each event 2 attempts, until it has gone past the poison. */
async function runPaymentsPastPoison(t: TestLedger) {
  const { logger, lines } = capturingLogger();
  const setAside: string[] = [];
  const runner = runProjection(t.ledger.store, t.ledger.database.db, liveTarget(projectionByName('payments'), t.ledger.projectionContext), logger, {
    attempts: 2,
    hooks: { setAside: (projection) => setAside.push(projection) },
  });
  try {
    await until(async () => (await paymentOf(t, 'in_after')) !== undefined, "the other tenant's payment");
  } finally {
    await runner.stop();
  }
  return { lines, setAside };
}

describe('an event a projection cannot apply', function () {
  this.timeout(60_000);
  const poisonId = randomUUID();

  it('is set aside after its retries, loudly, and every other tenant’s payments go on', async () => {
    // A ledger of its own: the live projection meets the poison here for the first time.
    const { t, acme } = await ledgerWithPoison(poisonId);
    try {
      const { lines, setAside } = await runPaymentsPastPoison(t);
      expect(await paymentOf(t, 'in_before')).to.deep.equal({ tenant_id: acme });
      expect(await paymentOf(t, 'in_poison')).to.equal(undefined);

      const [letter, ...others] = await listDeadLetters(t.ledger.database.db, { projection: 'payments' });
      expect(others).to.deep.equal([]);
      expect(letter).to.include({ eventId: poisonId, stream: `tenant-${acme}`, eventType: 'InvoicePaid', attempts: 2, resolvedAt: null });
      expect(letter!.revision).to.equal(1n);
      expect(letter!.firstSeen).to.be.instanceOf(Date);
      expect(setAside).to.deep.equal(['payments']);
      const line = lines.find((l) => l.eventId === poisonId);
      expect(line).to.include({ level: 50, projection: 'payments', stream: `tenant-${acme}` });
    } finally {
      await t.close();
    }
  });

  describe('once the live projection has set it aside', () => {
    let t: TestLedger;
    let globex: string;
    before(async () => {
      ({ t, globex } = await ledgerWithPoison(poisonId));
      await runPaymentsPastPoison(t);
    });
    after(() => t?.close());

    it('a rebuild reports it instead of dying, and ends equal', async () => {
      const report = await rebuildProjection(t.ledger.store, t.ledger.database.db, projectionByName('payments'), t.ledger.projectionContext, {
        setAside: { attempts: 1, backoffMs: 0 },
      });
      expect(report.equal).to.equal(true);
      expect(report.setAside.map((e) => e.eventId)).to.deep.equal([poisonId]);
      // What the rebuild set aside replaced what the live tables had: still one, not two.
      expect((await listDeadLetters(t.ledger.database.db, { projection: 'payments' })).map((l) => l.eventId)).to.deep.equal([poisonId]);
    });

    it('a retry that fails again keeps it set aside and counts the attempt', async () => {
      const [outcome] = await retryDeadLetters(t.ledger.store, t.ledger.database.db, liveTarget(projectionByName('payments'), t.ledger.projectionContext));
      expect(outcome).to.include({ eventId: poisonId, resolved: false });
      const [letter] = await listDeadLetters(t.ledger.database.db, { projection: 'payments' });
      expect(letter!.attempts).to.be.greaterThan(1);
    });

    it('retry applies set-aside events once what made them fail is fixed', async () => {
      // A projection that cannot apply one invoice until an operator fixes its cause.
      const broken = new Set(['in_flaky']);
      const applied: string[] = [];
      const flaky: Projection = {
        name: 'flaky',
        version: 1,
        streamPrefixes: ['tenant-'],
        tables: [],
        eventTypes: new Set(['InvoicePaid']),
        createTables: async () => {},
        createIndexes: async () => {},
        async applyBatch(_db, events) {
          for (const { event } of events) {
            if (event.type !== 'InvoicePaid') continue;
            if (broken.has(event.data.invoice.id)) throw new Error(`cannot apply ${event.data.invoice.id} yet`);
            applied.push(event.data.invoice.id);
          }
        },
      };
      await t.deliver(paidInvoiceEvent('2023-10', { evt: 'evt_flaky', invoice: 'in_flaky', tenant: globex, amount: 300, currency: 'usd', paidAt: T0 + 2 }));
      await t.deliver(paidInvoiceEvent('2023-10', { evt: 'evt_fine', invoice: 'in_fine', tenant: globex, amount: 300, currency: 'usd', paidAt: T0 + 3 }));
      const target = liveTarget(flaky, t.ledger.projectionContext);
      await t.database.pool.query(`insert into projection_checkpoints (name, commit_position, prepare_position, schema_version) values ('flaky', -1, -1, 1)`);
      const runner = runProjection(t.ledger.store, t.ledger.database.db, target, capturingLogger().logger, { attempts: 1 });
      try {
        await until(async () => applied.includes('in_fine'), 'the event behind the broken one');
      } finally {
        await runner.stop();
      }
      // The flaky projection reads every invoice, so it set the poison aside too.
      const open = await listDeadLetters(t.ledger.database.db, { projection: 'flaky' });
      expect(open.map((l) => l.eventId === poisonId ? 'poison' : l.error)).to.deep.equal(['poison', 'cannot apply in_flaky yet']);
      const flakyEvent = open[1]!.eventId;

      broken.clear();
      const outcomes = await retryDeadLetters(t.ledger.store, t.ledger.database.db, target);
      expect(outcomes.map((o) => [o.eventId, o.resolved])).to.deep.equal([[poisonId, false], [flakyEvent, true]]);
      expect(applied.filter((id) => id === 'in_flaky')).to.have.length(1);
      expect((await listDeadLetters(t.ledger.database.db, { projection: 'flaky' })).map((l) => l.eventId)).to.deep.equal([poisonId]);
      const history = await listDeadLetters(t.ledger.database.db, { projection: 'flaky', includeResolved: true });
      expect(history.find((l) => l.eventId === flakyEvent)!.resolvedAt).to.be.instanceOf(Date);
    });
  });
});
