import { expect } from 'chai';
import { parseDomainEvent } from '../../../domain/events/catalogue.ts';
import { stripeEventEnvelopeSchema } from '../../../domain/stripe/envelope.ts';
import { translateStripeEvent } from '../../../domain/stripe/translate.ts';
import { expectEvent } from '../expect-event.ts';
import { API_VERSION, FIXTURE_SHAPES, fixtureEvent, stripeObject, type FixtureShape } from '../../support/stripe-fixtures.ts';

/** A fixture event whose envelope carries `previous_attributes`, as Stripe sends on `*.updated`. */
function withPreviousAttributes(shape: FixtureShape, type: string, name: string, previousAttributes: unknown) {
  return stripeEventEnvelopeSchema.parse({
    id: 'evt_prev_1',
    object: 'event',
    api_version: API_VERSION[shape],
    created: 1736000000,
    livemode: false,
    type,
    data: { object: stripeObject(shape, name), previous_attributes: previousAttributes },
  });
}

describe('translateStripeEvent: previous attributes', () => {
  for (const shape of FIXTURE_SHAPES) {
    it(`keeps data.previous_attributes of a modelled event (${shape} shape)`, () => {
      const previous = { status: 'trialing', cancel_at_period_end: true, metadata: { plan: 'old' } };
      const envelope = withPreviousAttributes(shape, 'customer.subscription.updated', 'subscription', previous);
      const data = expectEvent(translateStripeEvent(envelope, 'tenant_42'), 'SubscriptionUpdated');
      expect(data.stripe.previousAttributes).to.deep.equal(previous);
    });

    it(`scrubs card data from previous attributes (${shape} shape)`, () => {
      const previous = {
        card: { brand: 'visa', last4: '4242', exp_month: 1, exp_year: 2030, fingerprint: 'fp', checks: { cvc_check: 'pass' } },
        billing_details: { name: 'Jenny Rosen' },
      };
      const envelope = withPreviousAttributes(shape, 'payment_method.updated', 'payment_method', previous);
      const data = expectEvent(translateStripeEvent(envelope, null), 'StripeEventRecorded');
      expect(data.stripe.previousAttributes).to.deep.equal({
        card: { brand: 'visa', last4: '4242', exp_month: 1, exp_year: 2030 },
        billing_details: { name: 'Jenny Rosen' },
      });
    });

    it(`gives null previous attributes when the event has none (${shape} shape)`, () => {
      const data = expectEvent(translateStripeEvent(fixtureEvent(shape, 'customer.subscription.created', 'subscription'), 'tenant_42'), 'SubscriptionCreated');
      expect(data.stripe.previousAttributes).to.equal(null);
      const nulled = withPreviousAttributes(shape, 'customer.subscription.updated', 'subscription', null);
      expect(expectEvent(translateStripeEvent(nulled, 'tenant_42'), 'SubscriptionUpdated').stripe.previousAttributes).to.equal(null);
    });
  }

  it('keeps previous attributes on invalid_shape events too', () => {
    const envelope = stripeEventEnvelopeSchema.parse({
      ...fixtureEvent('current', 'invoice.paid', 'invoice', { amount_due: 'lots' }),
      data: { object: stripeObject('current', 'invoice', { amount_due: 'lots' }), previous_attributes: { status: 'open' } },
    });
    const data = expectEvent(translateStripeEvent(envelope, null), 'StripeEventRecorded');
    expect(data.reason).to.equal('invalid_shape');
    expect(data.stripe.previousAttributes).to.deep.equal({ status: 'open' });
  });
});

describe('stored events without previousAttributes', () => {
  /** An event as stored before previousAttributes existed: the field is simply missing. */
  function storedBeforeTheField(event: ReturnType<typeof translateStripeEvent>): unknown {
    const stored = JSON.parse(JSON.stringify(event.data)) as { stripe: Record<string, unknown> };
    delete stored.stripe.previousAttributes;
    return stored;
  }

  it('still parse, reading the missing field as null, for modelled and recorded events', () => {
    const events = [
      translateStripeEvent(fixtureEvent('2023-10', 'customer.subscription.updated', 'subscription'), 'tenant_42'),
      translateStripeEvent(fixtureEvent('current', 'invoice.paid', 'invoice'), 'tenant_42'),
      translateStripeEvent(fixtureEvent('current', 'charge.succeeded', 'charge'), null),
    ];
    for (const event of events) {
      const stored = storedBeforeTheField(event);
      expect(stored).to.have.nested.property('stripe').that.does.not.have.property('previousAttributes');
      expect(parseDomainEvent(event.type, stored)).to.deep.equal(event);
    }
  });

  it('still reject previous attributes that are not an object', () => {
    const event = translateStripeEvent(fixtureEvent('current', 'customer.subscription.updated', 'subscription'), 'tenant_42');
    const stored = storedBeforeTheField(event) as { stripe: Record<string, unknown> };
    stored.stripe.previousAttributes = 'status';
    expect(() => parseDomainEvent(event.type, stored)).to.throw(/previousAttributes/);
  });
});
