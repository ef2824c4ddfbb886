import { expect } from 'chai';
import { scrubCardData } from '../../../domain/stripe/scrub-card-data.ts';
import { translateStripeEvent } from '../../../domain/stripe/translate.ts';
import { expectEvent } from '../expect-event.ts';
import { API_VERSION, FIXTURE_SHAPES, fixtureEvent, stripeEvent, stripeObject, type FixtureShape } from '../../support/stripe-fixtures.ts';

const SUBSCRIPTION_TYPES = [
  ['customer.subscription.created', 'SubscriptionCreated'],
  ['customer.subscription.updated', 'SubscriptionUpdated'],
  ['customer.subscription.deleted', 'SubscriptionDeleted'],
  ['customer.subscription.trial_will_end', 'SubscriptionTrialWillEnd'],
] as const;

const PERIOD = { current_period_start: 1735689600, current_period_end: 1738368000 };

/** The fixture subscription with the current period where that API shape puts it. */
function subscription(shape: FixtureShape, overrides: Record<string, unknown> = {}): Record<string, unknown> {
  const object = stripeObject(shape, 'subscription', {
    id: 'sub_123',
    customer: 'cus_123',
    status: 'past_due',
    metadata: { tenant_id: 'tenant_42', billing_contact_user_id: 'user_7' },
    cancel_at_period_end: true,
    cancel_at: 1738368000,
    canceled_at: 1736000000,
    ended_at: null,
    cancellation_details: { reason: 'cancellation_requested', feedback: 'too_expensive', comment: null },
    trial_end: 1735000000,
    created: 1730000000,
    ...overrides,
  });
  const items = object.items as { data: Record<string, unknown>[] };
  const item = items.data[0]!;
  item.price = { ...(item.price as object), id: 'price_professional_monthly' };
  item.quantity = 3;
  if (shape === 'current') Object.assign(item, PERIOD);
  else Object.assign(object, PERIOD);
  return object;
}

for (const shape of FIXTURE_SHAPES) {
  describe(`translateStripeEvent: subscription events (${shape} shape)`, () => {
    for (const [stripeType, domainType] of SUBSCRIPTION_TYPES) {
      it(`${stripeType} becomes ${domainType}`, () => {
        const envelope = stripeEvent(stripeType, subscription(shape), { id: 'evt_sub_1', created: 1736000001, apiVersion: API_VERSION[shape] });

        const data = expectEvent(translateStripeEvent(envelope, 'tenant_42'), domainType);

        expect(data.subscription).to.deep.equal({
          id: 'sub_123',
          status: 'past_due',
          priceId: 'price_professional_monthly',
          quantity: 3,
          currentPeriodStart: 1735689600,
          currentPeriodEnd: 1738368000,
          cancelAtPeriodEnd: true,
          cancelAt: 1738368000,
          canceledAt: 1736000000,
          endedAt: null,
          cancellationReason: 'cancellation_requested',
          trialEnd: 1735000000,
          created: 1730000000,
          pendingPriceId: null,
          metadata: { tenant_id: 'tenant_42', billing_contact_user_id: 'user_7' },
        });
        expect(data.customerId).to.equal('cus_123');
        expect(data.tenantId).to.equal('tenant_42');
        expect(data.stripe.eventId).to.equal('evt_sub_1');
        expect(data.stripe.type).to.equal(stripeType);
        expect(data.stripe.created).to.equal(1736000001);
        expect(data.stripe.apiVersion).to.equal(API_VERSION[shape]);
      });
    }

    it('reads the unchanged fixture', () => {
      const data = expectEvent(
        translateStripeEvent(fixtureEvent(shape, 'customer.subscription.updated', 'subscription'), null),
        'SubscriptionUpdated',
      );
      const fixture = stripeObject(shape, 'subscription');
      expect(data.subscription.id).to.equal(fixture.id);
      expect(data.subscription.status).to.equal('active');
      expect(data.subscription.priceId).to.match(/^price_/);
      expect(data.subscription.metadata).to.deep.equal({});
      expect(data.customerId).to.equal(fixture.customer);
    });

    it('takes the price of a pending update', () => {
      const object = subscription(shape, {
        pending_update: {
          expires_at: 1736000000,
          subscription_items: [{ id: 'si_1', price: { id: 'price_professional_annual', object: 'price' }, quantity: 1 }],
        },
      });
      const data = expectEvent(translateStripeEvent(stripeEvent('customer.subscription.updated', object), null), 'SubscriptionUpdated');
      expect(data.subscription.pendingPriceId).to.equal('price_professional_annual');
      expect(data.subscription.priceId).to.equal('price_professional_monthly');
    });

    it('falls back from the cancellation reason to the feedback, then the comment', () => {
      const reasonOf = (details: Record<string, unknown>): string | null => {
        const object = subscription(shape, { cancellation_details: details });
        return expectEvent(translateStripeEvent(stripeEvent('customer.subscription.deleted', object), null), 'SubscriptionDeleted')
          .subscription.cancellationReason;
      };
      expect(reasonOf({ reason: null, feedback: 'too_expensive', comment: 'moving on' })).to.equal('too_expensive');
      expect(reasonOf({ reason: null, feedback: null, comment: 'moving on' })).to.equal('moving on');
      expect(reasonOf({ reason: null, feedback: null, comment: null })).to.equal(null);
    });

    it('records a subscription with a status we do not know as invalid_shape', () => {
      const object = subscription(shape, { status: 'frozen' });
      const data = expectEvent(translateStripeEvent(stripeEvent('customer.subscription.updated', object), 'tenant_42'), 'StripeEventRecorded');
      expect(data.reason).to.equal('invalid_shape');
      expect(data.detail).to.include('status');
      expect(data.stripe.object).to.deep.equal(scrubCardData(object));
    });
  });
}

describe('translateStripeEvent: subscription period source', () => {
  it('prefers the subscription period (2023 shape) over the item period', () => {
    const object = subscription('current', { current_period_start: 1700000000, current_period_end: 1702592000 });
    const data = expectEvent(translateStripeEvent(stripeEvent('customer.subscription.updated', object), null), 'SubscriptionUpdated');
    expect([data.subscription.currentPeriodStart, data.subscription.currentPeriodEnd]).to.deep.equal([1700000000, 1702592000]);
  });

  it('gives null periods and price when the subscription has no items', () => {
    const object = stripeObject('current', 'subscription', { items: { object: 'list', data: [] } });
    const data = expectEvent(translateStripeEvent(stripeEvent('customer.subscription.updated', object), null), 'SubscriptionUpdated');
    expect(data.subscription).to.include({ priceId: null, quantity: null, currentPeriodStart: null, currentPeriodEnd: null });
  });
});
