import { expect } from 'chai';
import { randomUUID } from 'node:crypto';
import type { Json } from '../../domain/ports/event-store.ts';
import { T0 } from '../support/domain-events.ts';
import { accessSuspended, provisioningReady } from '../support/process-events.ts';
import { fixtureEvent } from '../support/stripe-fixtures.ts';
import { startTestLedger, type TestLedger } from '../support/test-ledger.ts';

describe('GET /api/v1/billing/entitlements', function () {
  this.timeout(60_000);
  let t: TestLedger;
  const acme = { id: '', key: '' };
  const globex = { id: '', key: '' };
  let financeKey = '';
  before(async () => {
    t = await startTestLedger();
    for (const [tenant, name] of [[acme, 'Acme'], [globex, 'Globex']] as const) {
      const created = await t.ledger.tenants.create(name);
      tenant.id = created.tenant.id;
      tenant.key = created.apiKey;
    }
    financeKey = (await t.ledger.apiKeys.issue({ scope: 'finance', name: 'books' })).secret;
  });
  after(() => t?.close());

  const entitlements = async (key: string) => {
    const res = await t.get('/api/v1/billing/entitlements', key);
    expect(res.status, JSON.stringify(res.json)).to.equal(200);
    return res.json;
  };
  const subscriptionActivated = (tenant: string, evt: string) =>
    fixtureEvent(
      'current',
      'customer.subscription.updated',
      'subscription',
      {
        id: `sub_${evt}`,
        status: 'active',
        metadata: { tenant_id: tenant },
        cancel_at_period_end: false,
        pending_update: null,
        items: { object: 'list', data: [{ price: { id: 'price_professional_monthly' }, current_period_start: T0, current_period_end: T0 + 2_592_000 }] },
      },
      { id: evt, created: T0 },
    );
  const appendProcess = (stream: string, event: ReturnType<typeof provisioningReady> | ReturnType<typeof accessSuspended>) =>
    t.ledger.store.append(stream, [{ id: randomUUID(), type: event.type, data: event.data as unknown as Json }]);

  it('answers 401 without a key and 403 for a key of another scope', async () => {
    expect((await t.get('/api/v1/billing/entitlements')).status).to.equal(401);
    const res = await t.get('/api/v1/billing/entitlements', financeKey);
    expect(res.status).to.equal(403);
    expect(res.json).to.have.nested.property('error.code', 'forbidden');
  });

  it('refuses query parameters, naming them', async () => {
    const res = await t.get('/api/v1/billing/entitlements?plan=x', acme.key);
    expect(res.status).to.equal(400);
    expect(JSON.stringify(res.json)).to.include('plan');
  });

  it('unlocks the plan on activation and the infrastructure once provisioning is ready; locks the features while suspended', async () => {
    const { tenant: { id: tenant }, apiKey } = await t.ledger.tenants.create('Lifecycle');
    expect(await entitlements(apiKey)).to.deep.equal({
      access: { state: 'active', since: null, reason: null },
      plan: null,
      features: 'locked',
      subscription: null,
      infrastructure: 'locked',
    });

    await t.deliver(subscriptionActivated(tenant, 'evt_ent_active'));
    await t.project();
    const active = await entitlements(apiKey);
    expect(active).to.deep.include({
      features: 'unlocked',
      infrastructure: 'locked',
      plan: { id: 'professional-monthly', name: 'Professional', tier: 'professional', billing_cycle: 'monthly', limits: { servers: 5, seats: 15, storage_gb: 500, priority_support: true } },
    });
    expect(active.subscription).to.include({ status: 'active', stripe_subscription_id: 'sub_evt_ent_active' });

    await appendProcess(`provisioning-${tenant}`, provisioningReady(tenant, T0 + 600));
    await t.project();
    expect(await entitlements(apiKey)).to.include({ infrastructure: 'unlocked', features: 'unlocked' });

    await appendProcess(`dunning-${tenant}`, accessSuspended(tenant, T0 + 7 * 86_400, 'in_late', 'invoice unpaid for 7 days'));
    await t.project();
    expect(await entitlements(apiKey)).to.deep.include({
      access: { state: 'suspended', since: new Date((T0 + 7 * 86_400) * 1000).toISOString(), reason: 'invoice unpaid for 7 days' },
      features: 'locked',
      infrastructure: 'unlocked',
    });
  });

  it('shows a tenant only its own entitlements', async () => {
    await t.deliver(subscriptionActivated(acme.id, 'evt_ent_acme'));
    await appendProcess(`provisioning-${acme.id}`, provisioningReady(acme.id, T0));
    await t.project();
    expect(await entitlements(acme.key)).to.include({ features: 'unlocked', infrastructure: 'unlocked' });
    expect(await entitlements(globex.key)).to.deep.include({ features: 'locked', infrastructure: 'locked', subscription: null, plan: null });
  });
});
