import { expect } from 'chai';
import { stripeEventEnvelopeSchema } from '../../../domain/stripe/envelope.ts';
import { scrubCardData } from '../../../domain/stripe/scrub-card-data.ts';
import { translateStripeEvent } from '../../../domain/stripe/translate.ts';
import { expectEvent } from '../expect-event.ts';
import { FIXTURE_SHAPES, fixtureEvent, stripeEvent, stripeObject } from '../../support/stripe-fixtures.ts';

describe('translateStripeEvent: events it cannot model', () => {
  for (const shape of FIXTURE_SHAPES) {
    it(`records Stripe's example ${shape} event, of a type we do not model, as unmodelled_type`, () => {
      const fixture = stripeObject(shape, 'event');
      const envelope = stripeEventEnvelopeSchema.parse(fixture);

      const data = expectEvent(translateStripeEvent(envelope, 'tenant_42'), 'StripeEventRecorded');

      expect(data).to.deep.equal({
        tenantId: 'tenant_42',
        customerId: null,
        stripe: {
          eventId: fixture.id,
          type: fixture.type,
          created: fixture.created,
          apiVersion: fixture.api_version,
          livemode: false,
          object: (fixture.data as { object: unknown }).object,
          previousAttributes: null,
        },
        reason: 'unmodelled_type',
        detail: null,
      });
    });
  }

  it('does not take inherited property names for modelled types', () => {
    const data = expectEvent(translateStripeEvent(stripeEvent('constructor', { id: 'x' }), null), 'StripeEventRecorded');
    expect(data.reason).to.equal('unmodelled_type');
  });

  it('scrubs card data from unmodelled events too', () => {
    const envelope = fixtureEvent('current', 'charge.succeeded', 'charge');
    const data = expectEvent(translateStripeEvent(envelope, null), 'StripeEventRecorded');
    expect(data.reason).to.equal('unmodelled_type');
    expect(JSON.stringify(data.stripe.object)).not.to.include('fingerprint');
  });

  for (const shape of FIXTURE_SHAPES) {
    it(`records a modelled event whose object does not match as invalid_shape (${shape} shape)`, () => {
      const envelope = fixtureEvent(shape, 'invoice.paid', 'invoice', { amount_due: '14900', customer: 'cus_123' }, { id: 'evt_bad_1' });

      const data = expectEvent(translateStripeEvent(envelope, 'tenant_42'), 'StripeEventRecorded');

      expect(data.reason).to.equal('invalid_shape');
      expect(data.detail).to.be.a('string').and.include('amount_due');
      expect(data).to.include({ tenantId: 'tenant_42', customerId: 'cus_123' });
      expect(data.stripe).to.include({ eventId: 'evt_bad_1', type: 'invoice.paid' });
      expect(data.stripe.object).to.deep.equal(scrubCardData(envelope.data.object));
    });
  }

  it('records an object missing a required field as invalid_shape', () => {
    const envelope = fixtureEvent('2023-10', 'customer.subscription.created', 'subscription', { id: undefined });
    const data = expectEvent(translateStripeEvent(envelope, null), 'StripeEventRecorded');
    expect(data.reason).to.equal('invalid_shape');
    expect(data.detail).to.include('id');
  });
});
