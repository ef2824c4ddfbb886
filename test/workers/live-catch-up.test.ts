import { expect } from 'chai';
import { START } from '../../domain/ports/event-store.ts';
import { allProjections, projectionByName } from '../../projections/all.ts';
import { readCheckpoint, setCheckpoint } from '../../src/workers/checkpoints.ts';
import { catchUpLive } from '../../src/workers/live-projections.ts';
import { rebuildProjections } from '../../src/workers/rebuild.ts';
import { fixtureEvent } from '../support/stripe-fixtures.ts';
import { paidInvoiceEvent } from '../support/invoice-events.ts';
import { countingReads } from '../support/counting-reads.ts';
import { startTestLedger, type TestLedger } from '../support/test-ledger.ts';

const T0 = 1_767_225_600;

describe('catching the live read models up', function () {
  let t: TestLedger;
  let tenant: string;
  before(async () => {
    t = await startTestLedger();
    tenant = (await t.ledger.tenants.create('Behind')).tenant.id;
  });
  after(() => t.close());

  const deliverSome = async (from: number, count: number) => {
    for (let i = from; i < from + count; i++) {
      await t.deliver(paidInvoiceEvent(i % 2 ? 'current' : '2023-10', { evt: `evt_lc_${i}`, invoice: `in_lc_${i}`, tenant, amount: 100 + i, currency: 'usd', paidAt: T0 + i }));
      await t.deliver(
        fixtureEvent('2023-10', 'customer.subscription.updated', 'subscription', { id: `sub_lc_${i % 3}`, status: i % 4 ? 'active' : 'past_due', metadata: { tenant_id: tenant }, pending_update: null }, { id: `evt_lcs_${i}`, created: T0 + i }),
      );
    }
  };

  it('reads the log once for projections at different positions, one of them far behind, and each ends at the head', async () => {
    await deliverSome(0, 15);
    // Subscriptions and payments are brought to the middle of the log; the others never ran.
    await t.project();
    const ahead = ['subscriptions', 'payments'];
    const middle = new Map<string, bigint>();
    for (const projection of allProjections.filter((p) => !ahead.includes(p.name))) {
      await setCheckpoint(t.ledger.database.db, projection.name, START, 0n, projection.version);
      for (const table of projection.tables) await t.database.pool.query(`truncate ${table}`);
    }
    for (const name of ahead) middle.set(name, (await readCheckpoint(t.ledger.database.db, name)).eventsApplied);
    await deliverSome(15, 15);

    const { store, reads } = countingReads(t.ledger.store);
    await catchUpLive({ ...t.ledger, store });

    const read = reads.flatMap((r) => r.events).map((e) => e.id + e.streamName);
    expect(new Set(read).size, 'no event read twice').to.equal(read.length);
    expect(read.length).to.be.at.most(await t.eventCount());
    for (const name of ahead) {
      expect(Number((await readCheckpoint(t.ledger.database.db, name)).eventsApplied), name).to.be.greaterThan(Number(middle.get(name)!));
    }
    // Each ends where a replay of the whole log ends: the rebuild finds nothing to differ.
    const reports = await rebuildProjections(t.ledger.store, t.ledger.database.db, allProjections, t.ledger.projectionContext);
    for (const report of reports) expect(report.equal, report.projection).to.equal(true);
    expect(reports.find((r) => r.projection === 'subscriptions')!.tables[0]!.rows).to.equal(3);
  });

  it('leaves tables of another version alone and names them', async () => {
    await t.database.pool.query(`update projection_checkpoints set schema_version = 0 where name = 'invoices'`);
    const { outdated } = await catchUpLive(t.ledger, [projectionByName('invoices'), projectionByName('payments')]);
    expect(outdated).to.deep.equal(['invoices']);
  });
});
