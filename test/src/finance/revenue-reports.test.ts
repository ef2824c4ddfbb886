import { expect } from 'chai';
import { randomUUID } from 'node:crypto';
import type { EventStore, ReadAllOptions } from '../../../domain/ports/event-store.ts';
import { START } from '../../../domain/ports/event-store.ts';
import { computeRevenueReport, createRevenueReports } from '../../../src/finance/metrics.ts';
import { testStoreKind } from '../../support/database.ts';
import { CUSTOMERS, revenueHistory, type Customer } from '../../support/revenue-history.ts';
import { startTestLedger, type TestLedger } from '../../support/test-ledger.ts';

describe(`revenue reports kept folded between requests (${testStoreKind} store)`, function () {
  this.timeout(60_000);
  let t: TestLedger;

  before(async () => {
    t = await startTestLedger();
  });
  after(() => t?.close());

  it('folds only what the log gained since the last request, and answers what a fresh read of the whole log would', async () => {
    const tenantIds = {} as Record<Customer, string>;
    for (const customer of CUSTOMERS) tenantIds[customer] = (await t.ledger.tenants.create(`Customer ${customer}`)).tenant.id;
    const history = revenueHistory(tenantIds);
    const append = async (events: typeof history) => {
      for (const e of events) await t.ledger.store.append(`tenant-${tenantIds[e.customer]}`, [{ id: randomUUID(), type: e.type, data: e.data }]);
      await t.project();
    };
    const reads: ReadAllOptions[] = [];
    const store: EventStore = { ...t.ledger.store, readAll: (options) => (reads.push(options ?? {}), t.ledger.store.readAll(options)) };
    const reports = createRevenueReports(store, t.ledger.plans, { pageSize: 7 });
    const request = { from: '2026-01', to: '2026-04', recordedBefore: null };
    const fresh = () => computeRevenueReport(t.ledger.store, t.ledger.plans, request);

    const half = Math.floor(history.length / 2);
    await append(history.slice(0, half));
    expect(await reports.report(request)).to.deep.equal(await fresh());
    const firstReads = reads.length;

    await append(history.slice(half));
    // Two requests at once take turns: neither folds an event the other folded.
    const [a, b] = await Promise.all([reports.report(request), reports.report(request)]);
    const whole = await fresh();
    expect(a).to.deep.equal(whole);
    expect(b).to.deep.equal(whole);
    const later = reads.slice(firstReads);
    expect(later.every((options) => options.after !== undefined && options.after !== START), 'later requests read on from where the fold stopped').to.equal(true);
    expect(later.length).to.be.below(firstReads + Math.ceil((history.length - half) / 7) + 3);
  });
});
