import { expect } from 'chai';
import type { DomainEvent } from '../../domain/events/catalogue.ts';
import type { Plan } from '../../domain/plans/catalogue.ts';
import { BatchRows } from '../../projections/batch-rows.ts';
import { entitlementsOf } from '../../projections/entitlements/entitlements.ts';
import { entitlementKey, foldEntitlements } from '../../projections/entitlements/evolve.ts';
import type { EntitlementRow } from '../../projections/entitlements/row.ts';
import type { SubscriptionRecord } from '../../projections/subscriptions/queries.ts';
import { OTHER_TENANT, T0, TENANT, invoicePaid } from '../support/domain-events.ts';
import { accessRestored, accessRevoked, accessSuspended, provisioningReady } from '../support/process-events.ts';

const at = (seconds: number) => new Date(seconds * 1000);

/** Given the rows a batch read, when its events are folded, then: the rows it writes. */
function fold(given: EntitlementRow[], events: DomainEvent[]): EntitlementRow[] {
  const rows = new BatchRows(entitlementKey, given);
  foldEntitlements(rows, events);
  return rows.written();
}

describe('entitlements fold', () => {
  it('given nothing, when provisioning is ready, then unlocks the infrastructure and leaves access active', () => {
    const [row, ...more] = fold([], [provisioningReady(TENANT, T0)]);
    expect(more).to.deep.equal([]);
    expect(row).to.deep.equal({
      tenant_id: TENANT,
      access_state: 'active',
      access_since: null,
      access_reason: null,
      access_invoice_id: null,
      revoked_subscription_id: null,
      infrastructure: 'unlocked',
      infrastructure_ready_at: at(T0),
    });
  });

  it('given access suspended, when it is restored, then access is active since the restoration, infrastructure untouched', () => {
    const [suspended] = fold([], [accessSuspended(TENANT, T0 + 7 * 86_400, 'in_1', 'unpaid for 7 days')]);
    expect(suspended).to.include({ access_state: 'suspended', access_reason: 'unpaid for 7 days', access_invoice_id: 'in_1', infrastructure: 'locked' });
    const [restored] = fold([suspended!], [accessRestored(TENANT, T0 + 8 * 86_400, 'in_1', 'invoice paid')]);
    expect(restored).to.include({ access_state: 'active', access_reason: 'invoice paid' });
    expect(restored?.access_since).to.deep.equal(at(T0 + 8 * 86_400));
  });

  it('given a newer decision, when an older one is recorded late, then the newer one stands', () => {
    const [restored] = fold([], [accessRestored(TENANT, T0 + 100)]);
    expect(fold([restored!], [accessSuspended(TENANT, T0 + 50)])).to.deep.equal([]);
    // Of the same second, the later in the log wins.
    const [row] = fold([], [accessSuspended(TENANT, T0 + 100), accessRevoked(TENANT, T0 + 100, 'sub_9')]);
    expect(row).to.include({ access_state: 'revoked', revoked_subscription_id: 'sub_9', access_invoice_id: null });
  });

  it('keeps the first time provisioning was ready, and tenants apart; ignores events it does not read', () => {
    const rows = fold([], [provisioningReady(TENANT, T0 + 10), provisioningReady(TENANT, T0 + 20), accessSuspended(OTHER_TENANT, T0), invoicePaid({ id: 'in_1' })]);
    expect(rows.map((r) => [r.tenant_id, r.infrastructure, r.access_state])).to.deep.equal([
      [TENANT, 'unlocked', 'active'],
      [OTHER_TENANT, 'locked', 'suspended'],
    ]);
    expect(rows[0]?.infrastructure_ready_at).to.deep.equal(at(T0 + 10));
  });

  it('keys rows by the tenant id in lower case, as the API asks for it', () => {
    const [row] = fold([], [accessSuspended(TENANT.toUpperCase(), T0)]);
    expect(row?.tenant_id).to.equal(TENANT);
  });

  it('the same events delivered twice give the same rows', () => {
    const events = [accessSuspended(TENANT, T0), provisioningReady(TENANT, T0 + 5), accessRestored(TENANT, T0 + 10), accessRevoked(TENANT, T0 + 20)];
    expect(fold([], [...events, ...events])).to.deep.equal(fold([], events));
    const stored = fold([], events);
    // Delivered again in a later batch: only the last decision applies again, rewriting the row unchanged.
    expect(fold(stored, events)).to.deep.equal(stored);
  });
});

const plan: Plan = {
  id: 'professional-monthly',
  name: 'Professional',
  tier: 'professional',
  billingCycle: 'monthly',
  stripePriceId: 'price_professional_monthly',
  amountMinor: 14_900,
  currency: 'USD',
  limits: { servers: 3, seats: null },
};

function subscription(status: string, id = 'sub_1'): SubscriptionRecord {
  return {
    id: `row-${id}`,
    status,
    planId: plan.id,
    planName: plan.name,
    billingCycle: plan.billingCycle,
    pendingPlanId: null,
    stripeSubscriptionId: id,
    stripePriceId: plan.stripePriceId,
    currentPeriodStart: at(T0),
    currentPeriodEnd: at(T0 + 30 * 86_400),
    cancelAtPeriodEnd: false,
    cancelDate: null,
    cancelReason: null,
    trialEnd: null,
    livemode: false,
  };
}

describe('entitlements of a tenant', () => {
  const [ready] = fold([], [provisioningReady(TENANT, T0)]);
  const [suspended] = fold([], [accessSuspended(TENANT, T0)]);
  const [revoked] = fold([], [accessRevoked(TENANT, T0, 'sub_1')]);

  it('locks everything before a subscription and before provisioning', () => {
    expect(entitlementsOf(TENANT, null, null, null)).to.deep.include({ features: 'locked', infrastructure: 'locked', plan: null, access: { state: 'active', since: null, reason: null } });
  });

  it('unlocks the plan features once the subscription is active (or trialing, or past due while dunning runs), with the catalogue limits', () => {
    for (const status of ['active', 'trialing', 'past_due']) {
      const e = entitlementsOf(TENANT, null, subscription(status), plan);
      expect(e.features, status).to.equal('unlocked');
      expect(e.plan).to.deep.equal({ id: plan.id, name: 'Professional', tier: 'professional', billingCycle: 'monthly', limits: { servers: 3, seats: null } });
    }
    for (const status of ['incomplete', 'incomplete_expired', 'unpaid', 'canceled', 'paused']) expect(entitlementsOf(TENANT, null, subscription(status), plan).features, status).to.equal('locked');
  });

  it('unlocks the infrastructure only once provisioning is ready, whatever the subscription', () => {
    expect(entitlementsOf(TENANT, null, subscription('active'), plan).infrastructure).to.equal('locked');
    expect(entitlementsOf(TENANT, ready!, subscription('active'), plan).infrastructure).to.equal('unlocked');
  });

  it('locks the features while access is suspended or revoked, and for a price the catalogue does not sell', () => {
    expect(entitlementsOf(TENANT, suspended!, subscription('past_due'), plan)).to.deep.include({ features: 'locked', access: { state: 'suspended', since: at(T0), reason: 'invoice unpaid for 7 days' } });
    expect(entitlementsOf(TENANT, revoked!, subscription('canceled'), plan).access.state).to.equal('revoked');
    expect(entitlementsOf(TENANT, null, subscription('active'), null).features).to.equal('locked');
  });

  it('gives access again once the tenant subscribes anew after a revocation', () => {
    const e = entitlementsOf(TENANT, revoked!, subscription('active', 'sub_2'), plan);
    expect(e.access.state).to.equal('active');
    expect(e.features).to.equal('unlocked');
    // Not for the revoked subscription itself, nor a new one that never started.
    expect(entitlementsOf(TENANT, revoked!, subscription('active', 'sub_1'), plan).access.state).to.equal('revoked');
    expect(entitlementsOf(TENANT, revoked!, subscription('incomplete_expired', 'sub_2'), plan).access.state).to.equal('revoked');
  });
});
