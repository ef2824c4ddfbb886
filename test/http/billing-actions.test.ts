import { expect } from 'chai';
import { APP_URL, OTHER_ALLOWED_ORIGIN, startBillingLedger, type BillingLedger } from '../support/stripe-double/billing-ledger.ts';

const checkoutBody = (overrides: Record<string, unknown> = {}) => ({
  plan: 'professional',
  billing_cycle: 'monthly',
  success_url: `${APP_URL}/billing/done`,
  cancel_url: `${OTHER_ALLOWED_ORIGIN}/pricing`,
  ...overrides,
});

const errorOf = (json: Record<string, unknown>) => json.error as { code: string; message: string };

describe('billing actions against the Stripe double', function () {
  this.timeout(60_000);
  let b: BillingLedger;

  before(async () => {
    b = await startBillingLedger();
  });
  after(() => b.close());

  const streamTypes = async (tenantId: string) => (await b.t.ledger.store.readStream(`tenant-${tenantId}`)).map((e) => e.type);
  const subscriptionOf = async (key: string) => (await b.t.get('/api/v1/billing/subscription', key)).json.subscription as Record<string, unknown>;

  describe('POST /api/v1/billing/checkout', () => {
    it('creates the customer the first time, with metadata.tenant_id, records the link, and returns the session url', async () => {
      const acme = await b.tenant('Acme');
      const res = await b.post('/api/v1/billing/checkout', acme.key, checkoutBody());
      expect(res.status, JSON.stringify(res.json)).to.equal(200);
      expect(res.json.checkout_url).to.match(/^https:\/\/checkout\.stripe\.test\/c\/pay\/cs_test_/);

      const customers = [...b.stripe.state.customers.values()].filter((c) => (c.metadata as Record<string, string>).tenant_id === acme.id);
      expect(customers).to.have.length(1);
      expect(customers[0]!.name).to.equal('Acme');
      const session = [...b.stripe.state.checkoutSessions.values()].find((s) => s.client_reference_id === acme.id)!;
      expect(session).to.deep.include({
        mode: 'subscription',
        customer: customers[0]!.id,
        allow_promotion_codes: 'true',
        billing_address_collection: 'required',
        success_url: `${APP_URL}/billing/done?session_id={CHECKOUT_SESSION_ID}`,
        cancel_url: `${OTHER_ALLOWED_ORIGIN}/pricing`,
      });
      expect(session.line_items).to.deep.equal([{ price: 'price_professional_monthly', quantity: '1' }]);
      expect(session.subscription_data).to.deep.equal({ metadata: { tenant_id: acme.id } });

      expect(await streamTypes(acme.id)).to.deep.equal(['BillingCustomerCreated', 'CheckoutRequested']);
      // The link routing learns: later webhooks about this customer reach Acme without naming it.
      await b.t.project();
      expect(await b.t.ledger.routing.tenantForStripeObject(customers[0]!.id)).to.equal(acme.id);
      // No subscription until Stripe's webhook says so.
      expect(await subscriptionOf(acme.key)).to.equal(null);
    });

    it('reuses the customer of a returning tenant', async () => {
      const globex = await b.tenant('Globex');
      expect((await b.post('/api/v1/billing/checkout', globex.key, checkoutBody())).status).to.equal(200);
      const again = await b.post('/api/v1/billing/checkout', globex.key, checkoutBody({ plan: 'enterprise', billing_cycle: 'annual' }));
      expect(again.status).to.equal(200);
      const customers = [...b.stripe.state.customers.values()].filter((c) => (c.metadata as Record<string, string>).tenant_id === globex.id);
      expect(customers).to.have.length(1);
      const sessions = [...b.stripe.state.checkoutSessions.values()].filter((s) => s.client_reference_id === globex.id);
      expect(sessions.map((s) => s.customer)).to.deep.equal([customers[0]!.id, customers[0]!.id]);
      expect(sessions.map((s) => (s.line_items as { price: string }[])[0]!.price)).to.deep.equal(['price_professional_monthly', 'price_enterprise_annual']);
      expect(await streamTypes(globex.id)).to.deep.equal(['BillingCustomerCreated', 'CheckoutRequested', 'CheckoutRequested']);
    });

    it('keeps a success URL that already places {CHECKOUT_SESSION_ID}', async () => {
      const tenant = await b.tenant('Placed');
      const successUrl = `${APP_URL}/done/{CHECKOUT_SESSION_ID}?x=1`;
      expect((await b.post('/api/v1/billing/checkout', tenant.key, checkoutBody({ success_url: successUrl }))).status).to.equal(200);
      const session = [...b.stripe.state.checkoutSessions.values()].find((s) => s.client_reference_id === tenant.id)!;
      expect(session.success_url).to.equal(successUrl);
    });

    it('answers 400 listing the valid plans, or the valid cycles of the plan', async () => {
      const tenant = await b.tenant('Chooser');
      const badPlan = await b.post('/api/v1/billing/checkout', tenant.key, checkoutBody({ plan: 'platinum' }));
      expect(badPlan.status).to.equal(400);
      expect(errorOf(badPlan.json).message).to.include('plan').and.include('starter, professional, enterprise');
      const badCycle = await b.post('/api/v1/billing/checkout', tenant.key, checkoutBody({ billing_cycle: 'weekly' }));
      expect(badCycle.status).to.equal(400);
      expect(errorOf(badCycle.json).message).to.include('billing_cycle').and.include('monthly').and.include('annual');
      expect(b.stripe.requests.filter((r) => r.params.client_reference_id === tenant.id)).to.have.length(0);
    });

    it('refuses redirect URLs off the allowed origins, javascript: URLs and missing ones, naming the field', async () => {
      const tenant = await b.tenant('Redirects');
      const cases: [Record<string, unknown>, string][] = [
        [{ success_url: 'https://evil.example.net/phish' }, 'success_url'],
        [{ cancel_url: 'https://app.example.com.evil.net/' }, 'cancel_url'],
        [{ success_url: 'javascript:alert(1)' }, 'success_url'],
        [{ cancel_url: '/relative' }, 'cancel_url'],
        [{ success_url: undefined }, 'success_url'],
        [{ cancel_url: '' }, 'cancel_url'],
      ];
      for (const [overrides, field] of cases) {
        const body = checkoutBody(overrides);
        const res = await b.post('/api/v1/billing/checkout', tenant.key, JSON.parse(JSON.stringify(body)));
        expect(res.status, JSON.stringify(overrides)).to.equal(400);
        expect(errorOf(res.json).code).to.equal('invalid_parameter');
        expect(errorOf(res.json).message, JSON.stringify(overrides)).to.include(field);
      }
      expect(await streamTypes(tenant.id)).to.deep.equal([]);
    });

    it('answers 400 naming each missing field', async () => {
      const tenant = await b.tenant('Missing');
      const res = await b.post('/api/v1/billing/checkout', tenant.key, {});
      expect(res.status).to.equal(400);
      for (const field of ['plan', 'billing_cycle', 'success_url', 'cancel_url']) expect(errorOf(res.json).message).to.include(field);
    });

    it('creates one session for a retried request (same Idempotency-Key), recorded once', async () => {
      const tenant = await b.tenant('Retrier');
      const first = await b.post('/api/v1/billing/checkout', tenant.key, checkoutBody(), { 'idempotency-key': 'client-retry-1' });
      const retry = await b.post('/api/v1/billing/checkout', tenant.key, checkoutBody(), { 'idempotency-key': 'client-retry-1' });
      expect(retry.json.checkout_url).to.equal(first.json.checkout_url);
      const sessionCalls = b.stripe.requests.filter((r) => r.path === '/v1/checkout/sessions' && r.params.client_reference_id === tenant.id);
      expect(sessionCalls.map((r) => r.replayed)).to.deep.equal([false, true]);
      expect(sessionCalls[0]!.idempotencyKey).to.equal(sessionCalls[1]!.idempotencyKey);
      expect([...b.stripe.state.checkoutSessions.values()].filter((s) => s.client_reference_id === tenant.id)).to.have.length(1);
      expect(await streamTypes(tenant.id)).to.deep.equal(['BillingCustomerCreated', 'CheckoutRequested']);
      // Another request (another key) is another session.
      await b.post('/api/v1/billing/checkout', tenant.key, checkoutBody(), { 'idempotency-key': 'client-retry-2' });
      expect([...b.stripe.state.checkoutSessions.values()].filter((s) => s.client_reference_id === tenant.id)).to.have.length(2);
    });

    it('sends every mutating call with an Idempotency-Key and the pinned Stripe-Version (the double refuses others)', async () => {
      const tenant = await b.tenant('Keys');
      expect((await b.post('/api/v1/billing/checkout', tenant.key, checkoutBody())).status).to.equal(200);
      const posts = b.stripe.requests.filter((r) => r.method === 'POST');
      expect(posts.length).to.be.above(1);
      expect(posts.every((r) => typeof r.idempotencyKey === 'string' && r.idempotencyKey.length <= 255)).to.equal(true);
    });
  });

  describe('POST /api/v1/billing/portal', () => {
    it('answers 409 for a tenant without a Stripe customer', async () => {
      const tenant = await b.tenant('Newcomer');
      const res = await b.post('/api/v1/billing/portal', tenant.key);
      expect(res.status).to.equal(409);
      expect(errorOf(res.json)).to.deep.include({ code: 'no_stripe_customer' });
      expect(errorOf(res.json).message).to.include('checkout');
    });

    it('returns a portal session that comes back to APP_URL', async () => {
      const tenant = await b.tenant('Portal');
      await b.post('/api/v1/billing/checkout', tenant.key, checkoutBody());
      const res = await b.post('/api/v1/billing/portal', tenant.key);
      expect(res.status, JSON.stringify(res.json)).to.equal(200);
      expect(res.json.portal_url).to.match(/^https:\/\/billing\.stripe\.test\/p\/session\/bps_/);
      const customer = [...b.stripe.state.customers.values()].find((c) => (c.metadata as Record<string, string>).tenant_id === tenant.id)!;
      const session = [...b.stripe.state.portalSessions.values()].find((s) => s.customer === customer.id)!;
      expect(session.return_url).to.equal(APP_URL);
      expect(await streamTypes(tenant.id)).to.include('PortalSessionRequested');
    });
  });

  describe('cancel, resume and plan changes', () => {
    it('cancels at period end with the reason, kept in subscriptions, and resume undoes it', async () => {
      const tenant = await b.tenant('Leaver');
      await b.post('/api/v1/billing/checkout', tenant.key, checkoutBody());
      const customer = [...b.stripe.state.customers.values()].find((c) => (c.metadata as Record<string, string>).tenant_id === tenant.id)!;
      const sub = await b.subscribe(tenant, customer.id, 'price_professional_monthly');

      const cancel = await b.post('/api/v1/billing/cancel', tenant.key, { reason: 'too expensive for us' });
      expect(cancel.status, JSON.stringify(cancel.json)).to.equal(200);
      const periodEnd = new Date(sub.items.data[0]!.current_period_end * 1000).toISOString();
      expect(cancel.json).to.deep.equal({ subscription_id: sub.id, cancel_at_period_end: true, cancel_at: periodEnd });
      // At period end, never at once.
      expect(sub).to.deep.include({ status: 'active', cancel_at_period_end: true });
      expect(sub.cancellation_details.comment).to.equal('too expensive for us');

      await b.t.project();
      const row = async () => (await b.t.database.pool.query('select cancel_reason, cancel_date, cancel_at_period_end from subscriptions where stripe_subscription_id = $1', [sub.id])).rows[0];
      expect(await row()).to.deep.include({ cancel_reason: 'too expensive for us' });
      expect((await row()).cancel_date.toISOString()).to.equal(periodEnd);
      await b.mirror(sub); // Stripe's webhook for the change
      expect(await row()).to.deep.include({ cancel_reason: 'too expensive for us', cancel_at_period_end: true });
      expect(await subscriptionOf(tenant.key)).to.include({ cancel_at_period_end: true, cancel_date: periodEnd, cancel_reason: 'too expensive for us' });

      const resumed = await b.post('/api/v1/billing/resume', tenant.key);
      expect(resumed.status, JSON.stringify(resumed.json)).to.equal(200);
      expect(resumed.json).to.deep.equal({ subscription_id: sub.id, cancel_at_period_end: false, cancel_at: null });
      expect(sub.cancel_at_period_end).to.equal(false);
      await b.mirror(sub);
      expect(await row()).to.deep.include({ cancel_reason: null, cancel_date: null, cancel_at_period_end: false });

      const again = await b.post('/api/v1/billing/resume', tenant.key);
      expect(again.status).to.equal(409);
      expect(errorOf(again.json).code).to.equal('not_canceling');
      // Cancel again after resuming: a new request, really sent (not a replay of the first).
      expect((await b.post('/api/v1/billing/cancel', tenant.key, { reason: 'too expensive for us' })).status).to.equal(200);
      expect(sub.cancel_at_period_end).to.equal(true);
      expect(await streamTypes(tenant.id)).to.include.members(['CancellationRequested', 'ResumeRequested']);
    });

    it('answers 400 naming reason when it is missing, 409 without a live subscription', async () => {
      const tenant = await b.tenant('NoSub');
      const missing = await b.post('/api/v1/billing/cancel', tenant.key, {});
      expect(missing.status).to.equal(400);
      expect(errorOf(missing.json).message).to.include('reason');
      const none = await b.post('/api/v1/billing/cancel', tenant.key, { reason: 'x' });
      expect(none.status).to.equal(409);
      expect(errorOf(none.json).code).to.equal('no_subscription');
    });

    it('upgrades now with proration, and downgrades at period end with the plan pending', async () => {
      const tenant = await b.tenant('Mover');
      await b.post('/api/v1/billing/checkout', tenant.key, checkoutBody({ plan: 'starter' }));
      const customer = [...b.stripe.state.customers.values()].find((c) => (c.metadata as Record<string, string>).tenant_id === tenant.id)!;
      const sub = await b.subscribe(tenant, customer.id, 'price_starter_monthly');

      const up = await b.post('/api/v1/billing/change-plan', tenant.key, { plan: 'professional', billing_cycle: 'monthly' });
      expect(up.status, JSON.stringify(up.json)).to.equal(200);
      expect(up.json).to.include({ subscription_id: sub.id, change: 'upgrade', plan: 'professional-monthly' });
      expect(sub.items.data[0]!.price.id).to.equal('price_professional_monthly');
      const update = b.stripe.requests.filter((r) => r.path === `/v1/subscriptions/${sub.id}` && r.method === 'POST').at(-1)!;
      expect(update.params).to.deep.include({ proration_behavior: 'always_invoice' });
      await b.mirror(sub);
      expect(await subscriptionOf(tenant.key)).to.deep.include({ plan: { id: 'professional-monthly', name: 'Professional' }, pending_plan: null });

      const down = await b.post('/api/v1/billing/change-plan', tenant.key, { plan: 'starter', billing_cycle: 'monthly' });
      expect(down.status, JSON.stringify(down.json)).to.equal(200);
      const periodEnd = new Date(sub.items.data[0]!.current_period_end * 1000).toISOString();
      expect(down.json).to.deep.equal({ subscription_id: sub.id, change: 'downgrade', plan: 'starter-monthly', effective_at: periodEnd });
      // Still on the current price until the period ends; the schedule carries the change.
      expect(sub.items.data[0]!.price.id).to.equal('price_professional_monthly');
      const schedule = b.stripe.state.schedules.get(sub.schedule!)!;
      expect(schedule.phases.map((p) => (p.items as { price: string }[])[0]!.price)).to.deep.equal(['price_professional_monthly', 'price_starter_monthly']);
      expect(schedule.phases[0]!.end_date).to.equal(sub.items.data[0]!.current_period_end);
      await b.mirror(sub);
      expect(await subscriptionOf(tenant.key)).to.deep.include({ plan: { id: 'professional-monthly', name: 'Professional' }, pending_plan: 'starter-monthly' });

      const same = await b.post('/api/v1/billing/change-plan', tenant.key, { plan: 'professional', billing_cycle: 'monthly' });
      expect(same.status).to.equal(409);
      const bad = await b.post('/api/v1/billing/change-plan', tenant.key, { plan: 'gold', billing_cycle: 'monthly' });
      expect(bad.status).to.equal(400);
      expect(errorOf(bad.json).message).to.include('starter, professional, enterprise');
    });
  });

  it('answers 401 without a key', async () => {
    const res = await b.t.app.inject({ method: 'POST', url: '/api/v1/billing/checkout', headers: { 'content-type': 'application/json' }, payload: JSON.stringify(checkoutBody()) });
    expect(res.statusCode).to.equal(401);
  });
});
