import { expect } from 'chai';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { APP_URL, startBillingLedger, type BillingLedger } from '../support/stripe-double/billing-ledger.ts';

describe('checkout: trial days from the catalogue, automatic tax from the configuration', function () {
  this.timeout(60_000);
  let b: BillingLedger;
  let dir: string;

  before(async () => {
    dir = mkdtempSync(join(tmpdir(), 'ledger-catalogue-'));
    const catalogue = JSON.parse(readFileSync(new URL('../../config/plan-catalogue.json', import.meta.url), 'utf8')) as { plans: { id: string; trialDays?: number }[] };
    catalogue.plans.find((p) => p.id === 'starter-monthly')!.trialDays = 14;
    writeFileSync(join(dir, 'plans.json'), JSON.stringify(catalogue));
    b = await startBillingLedger({ PLAN_CATALOG_FILE: join(dir, 'plans.json'), STRIPE_AUTOMATIC_TAX: 'true' });
  });
  after(async () => {
    try {
      await b?.close();
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('asks Checkout for the plan trial and for automatic tax; a plan without trial gets none', async () => {
    const tenant = await b.tenant('Trialist');
    for (const plan of ['starter', 'professional']) {
      const res = await b.post('/api/v1/billing/checkout', tenant.key, { plan, billing_cycle: 'monthly', success_url: `${APP_URL}/ok`, cancel_url: `${APP_URL}/back` });
      expect(res.status, JSON.stringify(res.json)).to.equal(200);
    }
    const [starter, professional] = [...b.stripe.state.checkoutSessions.values()].filter((s) => s.client_reference_id === tenant.id);
    expect(starter!.subscription_data).to.deep.equal({ metadata: { tenant_id: tenant.id }, trial_period_days: '14' });
    expect(professional!.subscription_data).to.deep.equal({ metadata: { tenant_id: tenant.id } });
    expect(starter!.automatic_tax).to.deep.equal({ enabled: 'true' });
  });
});
