import { expect } from 'chai';
import { APP_URL, startBillingLedger, type BillingLedger } from '../support/stripe-double/billing-ledger.ts';

const checkout = { plan: 'starter', billing_cycle: 'monthly', success_url: `${APP_URL}/ok`, cancel_url: `${APP_URL}/back` };

async function eventually(what: string, check: () => Promise<boolean>, timeoutMs = 30_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

describe('billing actions while Stripe fails', function () {
  this.timeout(120_000);
  let b: BillingLedger;
  let tenant: { id: string; key: string };

  beforeEach(async () => {
    b = await startBillingLedger({
      STRIPE_TIMEOUT_MS: '500',
      STRIPE_MAX_NETWORK_RETRIES: '0',
      STRIPE_BREAKER_VOLUME_THRESHOLD: '2',
      STRIPE_BREAKER_RESET_MS: '1000',
      BILLING_RATE_LIMIT_MAX: '10000',
    });
    tenant = await b.tenant('Acme');
    // A customer while Stripe is up, so each portal request is one call to Stripe.
    expect((await b.post('/api/v1/billing/checkout', tenant.key, checkout)).status).to.equal(200);
  });
  afterEach(() => b.close());

  const portal = (headers: Record<string, string> = {}) => b.post('/api/v1/billing/portal', tenant.key, undefined, headers);
  const breakerLogs = () => b.t.logs.filter((line) => 'stripeBreaker' in line).map((line) => line.stripeBreaker);

  it('answers 503 stripe_unavailable, opens the breaker, answers at once without calling Stripe, then recovers', async () => {
    b.stripe.fail({ kind: 'status', status: 500 });
    // It opens once half of the calls in its window failed (the checkout's two calls succeeded).
    for (let i = 0; i < 10 && !breakerLogs().includes('open'); i++) {
      const res = await portal();
      expect(res.status).to.equal(503);
      expect(res.json.error).to.deep.include({ code: 'stripe_unavailable' });
    }
    expect(breakerLogs()).to.deep.equal(['open']);
    const callsBefore = b.stripe.requests.length;
    const fast = await portal();
    expect(fast.status).to.equal(503);
    expect((fast.json.error as { message: string }).message).to.match(/paused/);
    expect(b.stripe.requests.length, 'no call reaches Stripe while the breaker is open').to.equal(callsBefore);
    const log = b.t.logs.find((line) => line.stripeBreaker === 'open')!;
    expect(log.level).to.equal(50);

    b.stripe.heal();
    const retry = { 'idempotency-key': 'after-the-outage' };
    await eventually('the breaker to let a trial call through and close', async () => (await portal(retry)).status === 200);
    expect(breakerLogs()).to.deep.equal(['open', 'half_open', 'closed']);
    expect((await portal(retry)).status).to.equal(200);
    // The client's retry with its key is the same request: one session, recorded once.
    expect((await b.t.ledger.store.readStream(`tenant-${tenant.id}`)).filter((e) => e.type === 'PortalSessionRequested')).to.have.length(1);
  });

  it('answers 503 when Stripe hangs past the timeout, or drops the connection', async () => {
    for (const fault of [{ kind: 'hang' }, { kind: 'close' }] as const) {
      b.stripe.fail(fault);
      const res = await portal();
      expect(res.status, fault.kind).to.equal(503);
      expect(res.json.error, fault.kind).to.deep.include({ code: 'stripe_unavailable' });
      b.stripe.heal();
    }
    // Nothing was recorded for the failed requests.
    expect((await b.t.ledger.store.readStream(`tenant-${tenant.id}`)).map((e) => e.type)).to.deep.equal(['BillingCustomerCreated', 'CheckoutRequested']);
  });

  it("does not open the breaker on Stripe's refusals (4xx): they answer 502 with Stripe's message", async () => {
    b.stripe.fail({ kind: 'status', status: 400 });
    for (let i = 0; i < 4; i++) {
      const res = await portal();
      expect(res.status).to.equal(502);
      expect(res.json.error).to.deep.include({ code: 'stripe_rejected' });
    }
    b.stripe.heal();
    expect((await portal()).status).to.equal(200);
    expect(breakerLogs()).to.deep.equal([]);
  });
});
