import { expect } from 'chai';
import { testStoreKind } from '../support/database.ts';
import { seedRevenueHistory, type SeededHistory } from '../support/seed-revenue-history.ts';
import { startTestLedger, type TestLedger } from '../support/test-ledger.ts';

type Month = { month: string; mrr: Record<string, unknown>[]; customers: Record<string, number>; payments: Record<string, unknown>; events: Record<string, number> } & Record<string, unknown>;

describe(`GET /api/v1/finance/metrics (${testStoreKind} store)`, function () {
  this.timeout(60_000);
  let t: TestLedger;
  let finance = '';
  let seeded: SeededHistory;

  before(async () => {
    t = await startTestLedger();
    finance = (await t.ledger.apiKeys.issue({ scope: 'finance', name: 'finance' })).secret;
    seeded = await seedRevenueHistory(t.ledger);
  });
  after(() => t?.close());

  const months = (json: Record<string, unknown>) => json.months as Month[];

  it('answers the hand-computed figures of the seeded history, month by month', async () => {
    const res = await t.get('/api/v1/finance/metrics?from=2026-02&to=2026-03&interval=month', finance);
    expect(res.status, JSON.stringify(res.json)).to.equal(200);
    expect(res.json).to.include({ from: '2026-02', to: '2026-03', interval: 'month', recorded_before: null });
    const [feb, mar] = months(res.json);
    expect(feb!.mrr).to.deep.equal([
      { currency: 'EUR', start_minor: 4500, end_minor: 4500, new_minor: 0, expansion_minor: 0, contraction_minor: 0, churned_minor: 0, reactivation_minor: 0, net_change_minor: 0, paying_customers: 1, arpu_minor: 4500, gross_revenue_churn_rate: 0, net_revenue_churn_rate: 0 },
      { currency: 'USD', start_minor: 37_117, end_minor: 37_117, new_minor: 4900, expansion_minor: 10_000, contraction_minor: 10_000, churned_minor: 4900, reactivation_minor: 0, net_change_minor: 0, paying_customers: 4, arpu_minor: 9279, gross_revenue_churn_rate: 0.4014, net_revenue_churn_rate: 0.132 },
    ]);
    expect(feb).to.deep.include({ logo_churn_rate: 0.2, involuntary_churn_share: 0, start: '2026-02-01T00:00:00.000Z', end: '2026-03-01T00:00:00.000Z' });
    expect(feb!.payments).to.deep.include({ succeeded: 4, failed_attempts: 3, success_rate: 0.5714, recovery_rate: 0.5 });
    expect(mar!.customers).to.deep.equal({ start: 5, end: 3, new: 0, reactivated: 0, churned: 2, churned_involuntarily: 1 });
    expect(mar).to.deep.include({ involuntary_churn_share: 0.5, refunds: [{ currency: 'USD', count: 1, amount_minor: 2000 }] });
    // Recorded today, every event of these months arrived after the month ended.
    expect(mar!.events).to.deep.equal({ in_period: 5, late: 5, test_mode_excluded: 0 });
  });

  it('with recorded_before, reproduces what the ledger knew then', async () => {
    const res = await t.get(`/api/v1/finance/metrics?from=2026-03&recorded_before=${encodeURIComponent(seeded.beforeLateEvent.toISOString())}`, finance);
    expect(res.status, JSON.stringify(res.json)).to.equal(200);
    expect(res.json.recorded_before).to.equal(seeded.beforeLateEvent.toISOString());
    const [mar] = months(res.json);
    expect(mar!.payments).to.deep.include({ succeeded: 0, success_rate: null });
    expect(mar!.events).to.deep.include({ in_period: 4 });
  });

  it('refuses tenant and admin keys (403) and a missing key (401)', async () => {
    const { apiKey } = await t.ledger.tenants.create('Nosy tenant');
    const admin = (await t.ledger.apiKeys.issue({ scope: 'admin' })).secret;
    for (const key of [apiKey, admin]) {
      const res = await t.get('/api/v1/finance/metrics?from=2026-02', key);
      expect(res.status).to.equal(403);
      expect((res.json.error as { code: string }).code).to.equal('forbidden');
    }
    expect((await t.get('/api/v1/finance/metrics?from=2026-02')).status).to.equal(401);
  });

  it('answers 400 naming the parameter for a bad month, a range ending before it starts, another interval or an unknown parameter', async () => {
    for (const [query, words] of [
      ['from=2026-13', 'from'],
      ['from=2026-1', 'from'],
      ['to=2026-02', 'from'],
      ['from=2026-03&to=2026-02', 'before it starts'],
      ['from=2016-01&to=2026-02', 'at most 120 months'],
      ['from=2026-02&interval=week', 'interval'],
      ['from=2026-02&recorded_before=yesterday', 'recorded_before'],
      ['from=2026-02&currency=USD', 'currency'],
    ] as const) {
      const res = await t.get(`/api/v1/finance/metrics?${query}`, finance);
      expect(res.status, query).to.equal(400);
      expect((res.json.error as { message: string }).message, query).to.include(words);
    }
  });

  it('is in the OpenAPI document with its query and answer', async () => {
    const doc = (await t.app.inject({ method: 'GET', url: '/openapi.json' })).json() as { paths: Record<string, { get: { parameters: { name: string }[]; responses: Record<string, unknown> } }> };
    const route = doc.paths['/api/v1/finance/metrics']!.get;
    expect(route.parameters.map((p) => p.name)).to.have.members(['from', 'to', 'interval', 'recorded_before']);
    expect(route.responses).to.have.keys('200', '400', '401', '403');
  });
});
