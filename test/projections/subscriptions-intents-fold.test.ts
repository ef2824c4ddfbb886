import { expect } from 'chai';
import type { DomainEvent } from '../../domain/events/catalogue.ts';
import { BatchRows } from '../../projections/batch-rows.ts';
import { foldSubscriptions, subscriptionKey } from '../../projections/subscriptions/evolve.ts';
import type { SubscriptionRow } from '../../projections/subscriptions/row.ts';
import { subscriptionEvent, T0, TENANT } from '../support/domain-events.ts';

const plans: Record<string, string> = { price_professional_monthly: 'professional-monthly', price_starter_monthly: 'starter-monthly' };
const context = { planIdForPrice: (price: string | null) => (price ? (plans[price] ?? null) : null) };
const PERIOD_END = T0 + 30 * 86_400;

function fold(given: SubscriptionRow[], events: DomainEvent[]): SubscriptionRow[] {
  const rows = new BatchRows(subscriptionKey, given);
  foldSubscriptions(rows, events, context);
  return rows.written();
}

const intent = { tenantId: TENANT, customerId: 'cus_1', requestedAt: T0 + 5, subscriptionId: 'sub_1' };
const cancelIntent: DomainEvent = { type: 'CancellationRequested', data: { ...intent, reason: 'too expensive', cancelAt: PERIOD_END } };
const resumeIntent: DomainEvent = { type: 'ResumeRequested', data: intent };
const downgradeIntent: DomainEvent = {
  type: 'PlanChangeRequested',
  data: { ...intent, fromPlanId: 'professional-monthly', toPlanId: 'starter-monthly', toStripePriceId: 'price_starter_monthly', direction: 'downgrade', effectiveAt: PERIOD_END, scheduleId: 'sub_sched_1' },
};
const active = subscriptionEvent('SubscriptionUpdated', { id: 'sub_1', status: 'active' }, { created: T0 });
const canceling = subscriptionEvent('SubscriptionUpdated', { id: 'sub_1', status: 'active', cancelAtPeriodEnd: true, cancelAt: PERIOD_END, cancellationReason: 'cancellation_requested' }, { created: T0 + 10 });
const renewing = subscriptionEvent('SubscriptionUpdated', { id: 'sub_1', status: 'active' }, { created: T0 + 20 });

describe('subscriptions fold: the billing API intents', () => {
  it('given no row, when an intent arrives, then creates nothing: the subscription appears with its webhook', () => {
    expect(fold([], [cancelIntent, resumeIntent, downgradeIntent])).to.deep.equal([]);
  });

  it("given an active row, when the cancel intent and then Stripe's update arrive, then keeps the tenant's reason and the end date", () => {
    const [row] = fold([], [active, cancelIntent, canceling]);
    expect(row).to.include({ cancel_reason: 'too expensive', cancel_at_period_end: true });
    expect(row!.cancel_date).to.deep.equal(new Date(PERIOD_END * 1000));
    // The intent does not move Stripe's clock: an update older than the one applied is still ignored.
    expect(row!.last_event_created).to.deep.equal(new Date((T0 + 10) * 1000));
  });

  it('given a canceling row, when resumed, then clears the reason and the date', () => {
    const [row] = fold([], [active, cancelIntent, canceling, resumeIntent, renewing]);
    expect(row).to.include({ cancel_reason: null, cancel_date: null, cancel_at_period_end: false });
  });

  it('keeps a scheduled downgrade pending until the subscription is on that price', () => {
    const [pending] = fold([], [active, downgradeIntent, renewing]);
    expect(pending).to.include({ pending_plan_id: 'starter-monthly', pending_stripe_price_id: 'price_starter_monthly', plan_id: 'professional-monthly' });
    const switched = subscriptionEvent('SubscriptionUpdated', { id: 'sub_1', status: 'active', priceId: 'price_starter_monthly' }, { created: T0 + 40 });
    const [done] = fold([pending!], [switched]);
    expect(done).to.include({ pending_plan_id: null, pending_stripe_price_id: null, plan_id: 'starter-monthly' });
  });

  it("ignores another tenant's intent for the subscription", () => {
    const [stored] = fold([], [active]);
    const foreign: DomainEvent = { type: 'CancellationRequested', data: { ...intent, tenantId: 'bbbbbbbb-0000-4000-8000-000000000002', reason: 'x', cancelAt: null } };
    expect(fold([stored!], [foreign])).to.deep.equal([]);
  });

  it('the same events delivered twice give the same rows', () => {
    const events = [active, cancelIntent, canceling, downgradeIntent];
    expect(fold([], [...events, ...events])).to.deep.equal(fold([], events));
  });
});
