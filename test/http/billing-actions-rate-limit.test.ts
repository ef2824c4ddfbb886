import { expect } from 'chai';
import { APP_URL, startBillingLedger, type BillingLedger } from '../support/stripe-double/billing-ledger.ts';

const checkout = { plan: 'starter', billing_cycle: 'monthly', success_url: `${APP_URL}/ok`, cancel_url: `${APP_URL}/back` };

describe('rate limit on checkout and portal sessions', function () {
  this.timeout(60_000);
  let b: BillingLedger;

  before(async () => {
    b = await startBillingLedger({ BILLING_RATE_LIMIT_MAX: '2', BILLING_RATE_LIMIT_WINDOW_SECONDS: '3600' });
  });
  after(() => b.close());

  it('answers 429 with Retry-After past the limit, per tenant and per action', async () => {
    const acme = await b.tenant('Acme');
    const globex = await b.tenant('Globex');
    for (let i = 0; i < 2; i++) expect((await b.post('/api/v1/billing/checkout', acme.key, checkout, { 'idempotency-key': `k${i}` })).status).to.equal(200);
    const limited = await b.post('/api/v1/billing/checkout', acme.key, checkout, { 'idempotency-key': 'k3' });
    expect(limited.status).to.equal(429);
    expect(limited.json.error).to.deep.include({ code: 'rate_limited' });
    expect(Number(limited.headers['retry-after'])).to.be.within(1, 3600);
    const sessions = [...b.stripe.state.checkoutSessions.values()].filter((s) => s.client_reference_id === acme.id);
    expect(sessions).to.have.length(2);

    // Another tenant has its own allowance, and so has the portal.
    expect((await b.post('/api/v1/billing/checkout', globex.key, checkout)).status).to.equal(200);
    expect((await b.post('/api/v1/billing/portal', acme.key)).status).to.equal(200);
  });

  it('does not count requests refused for their content', async () => {
    const tenant = await b.tenant('Careless');
    for (let i = 0; i < 3; i++) expect((await b.post('/api/v1/billing/checkout', tenant.key, { plan: 'starter' })).status).to.equal(400);
    expect((await b.post('/api/v1/billing/checkout', tenant.key, checkout)).status).to.equal(200);
  });
});
