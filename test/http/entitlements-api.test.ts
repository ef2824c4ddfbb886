import { expect } from 'chai';
import { randomUUID } from 'node:crypto';
import type { Json } from '../../domain/ports/event-store.ts';
import { T0 } from '../support/domain-events.ts';
import { accessSuspended, provisioningReady } from '../support/process-events.ts';
import { fixtureEvent } from '../support/stripe-fixtures.ts';
import { expectTenantKeysOnly, ledgerWithTenants } from '../support/tenant-keys.ts';

describe('GET /api/v1/billing/entitlements', function () {
  this.timeout(60_000);
  const f = ledgerWithTenants(['Acme', 'Globex']);

  const entitlements = async (key: string) => {
    const res = await f.t.get('/api/v1/billing/entitlements', key);
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
    f.t.ledger.store.append(stream, [{ id: randomUUID(), type: event.type, data: event.data as unknown as Json }]);

  it('answers 401 without a key and 403 for a key of another scope', async () => {
    await expectTenantKeysOnly(f, '/api/v1/billing/entitlements');
  });

  it('refuses query parameters, naming them', async () => {
    const res = await f.t.get('/api/v1/billing/entitlements?plan=x', f.tenants.Acme.key);
    expect(res.status).to.equal(400);
    expect(JSON.stringify(res.json)).to.include('plan');
  });

  it('unlocks the plan on activation and the infrastructure once provisioning is ready; locks the features while suspended', async () => {
    const { tenant: { id: tenant }, apiKey } = await f.t.ledger.tenants.create('Lifecycle');
    expect(await entitlements(apiKey)).to.deep.equal({
      access: { state: 'active', since: null, reason: null },
      plan: null,
      features: 'locked',
      subscription: null,
      infrastructure: 'locked',
    });

    await f.t.deliver(subscriptionActivated(tenant, 'evt_ent_active'));
    await f.t.project();
    const active = await entitlements(apiKey);
    expect(active).to.deep.include({
      features: 'unlocked',
      infrastructure: 'locked',
      plan: { id: 'professional-monthly', name: 'Professional', tier: 'professional', billing_cycle: 'monthly', limits: { servers: 5, seats: 15, storage_gb: 500, priority_support: true } },
    });
    expect(active.subscription).to.include({ status: 'active', stripe_subscription_id: 'sub_evt_ent_active' });

    await appendProcess(`provisioning-${tenant}`, provisioningReady(tenant, T0 + 600));
    await f.t.project();
    expect(await entitlements(apiKey)).to.include({ infrastructure: 'unlocked', features: 'unlocked' });

    await appendProcess(`dunning-${tenant}`, accessSuspended(tenant, T0 + 7 * 86_400, 'in_late', 'invoice unpaid for 7 days'));
    await f.t.project();
    expect(await entitlements(apiKey)).to.deep.include({
      access: { state: 'suspended', since: new Date((T0 + 7 * 86_400) * 1000).toISOString(), reason: 'invoice unpaid for 7 days' },
      features: 'locked',
      infrastructure: 'unlocked',
    });
  });

  it('shows a tenant only its own entitlements', async () => {
    await f.t.deliver(subscriptionActivated(f.tenants.Acme.id, 'evt_ent_acme'));
    await appendProcess(`provisioning-${f.tenants.Acme.id}`, provisioningReady(f.tenants.Acme.id, T0));
    await f.t.project();
    expect(await entitlements(f.tenants.Acme.key)).to.include({ features: 'unlocked', infrastructure: 'unlocked' });
    expect(await entitlements(f.tenants.Globex.key)).to.deep.include({ features: 'locked', infrastructure: 'locked', subscription: null, plan: null });
  });
});
