import { expect } from 'chai';
import { sql } from 'kysely';
import { allProjections } from '../../projections/all.ts';
import type { Projection, ProjectionDb } from '../../projections/projection.ts';
import { rebuildProjections } from '../../src/workers/rebuild.ts';
import { fixtureEvent } from '../support/stripe-fixtures.ts';
import { paidInvoiceEvent } from '../support/invoice-events.ts';
import { paymentMethodAttachedEvent } from '../support/payment-method-events.ts';
import { startTestLedger, type TestLedger } from '../support/test-ledger.ts';

const T0 = 1_767_225_600;

/** Each index on the projection's tables in `schema`, by name, with its definition as if it were in `public`. */
async function indexesOf(db: ProjectionDb, schema: string, projection: Projection): Promise<Record<string, string>> {
  const { rows } = await sql<{ indexname: string; indexdef: string }>`
    select indexname, indexdef from pg_indexes where schemaname = ${schema} and tablename = any(${[...projection.tables]}) order by indexname`.execute(db);
  return Object.fromEntries(rows.map((r) => [r.indexname, r.indexdef.replace(` ON ${schema}.`, ' ON public.')]));
}

describe('a rebuild builds the indexes only readers use after it has loaded the shadow tables', function () {
  let t: TestLedger;
  before(async () => {
    t = await startTestLedger();
    const tenant = (await t.ledger.tenants.create('Indexed')).tenant.id;
    // Something for every projection with indexes to hold back, over several batches.
    const deliveries = [0, 1, 2, 3, 4, 5].flatMap((i) => [
      paidInvoiceEvent('2023-10', { evt: `evt_ix_${i}`, invoice: `in_ix_${i}`, tenant, amount: 1000 + i, currency: 'usd', paidAt: T0 + i }),
      fixtureEvent('2023-10', 'customer.subscription.updated', 'subscription', { id: `sub_ix_${i % 2}`, status: 'active', metadata: { tenant_id: tenant }, pending_update: null }, { id: `evt_ixs_${i}`, created: T0 + i }),
      paymentMethodAttachedEvent('2023-10', { evt: `evt_ixp_${i}`, paymentMethod: `pm_ix_${i}`, customer: 'cus_ix', tenant, created: T0 + i }),
    ]);
    for (const delivery of deliveries) expect((await t.deliver(delivery)).status).to.equal(200);
    await t.project();
  });
  after(() => t.close());

  it('swaps in tables with exactly the indexes of live tables, none of them held back during the load', async () => {
    const db = t.ledger.database.db;
    const live = new Map<string, Record<string, string>>();
    for (const projection of allProjections) live.set(projection.name, await indexesOf(db, 'public', projection));

    // What createTables alone gives, in a schema of the test's own.
    const tablesOnly = new Map<string, string[]>();
    await sql`create schema idx_probe`.execute(db);
    try {
      for (const projection of allProjections) {
        await projection.createTables(db, 'idx_probe');
        tablesOnly.set(projection.name, Object.keys(await indexesOf(db, 'idx_probe', projection)));
      }
    } finally {
      await sql`drop schema idx_probe cascade`.execute(db);
    }

    // The indexes each shadow batch found in its schema.
    const seenInShadow = new Map<string, Set<string>>();
    const watched = allProjections.map(
      (projection): Projection => ({
        ...projection,
        async applyBatch(trx, events, context) {
          const schema = (await sql<{ s: string }>`select current_schema() as s`.execute(trx)).rows[0]!.s;
          if (schema !== 'public') {
            const seen = seenInShadow.get(projection.name) ?? new Set();
            for (const name of Object.keys(await indexesOf(trx, schema, projection))) seen.add(name);
            seenInShadow.set(projection.name, seen);
          }
          await projection.applyBatch(trx, events, context);
        },
      }),
    );
    const reports = await rebuildProjections(t.ledger.store, db, watched, t.ledger.projectionContext, { batchSize: 4 });
    for (const report of reports) expect(report.equal, report.projection).to.equal(true);

    for (const projection of allProjections) {
      const { name } = projection;
      expect(await indexesOf(db, 'public', projection), name).to.deep.equal(live.get(name));
      const held = Object.keys(live.get(name)!).filter((index) => !tablesOnly.get(name)!.includes(index));
      // Every projection with indexes to hold back had batches to apply, so this saw it loaded.
      if (held.length) expect(seenInShadow.has(name), name).to.equal(true);
      if (seenInShadow.has(name)) expect([...seenInShadow.get(name)!].sort(), name).to.deep.equal(tablesOnly.get(name)!.sort());
    }
  });
});
