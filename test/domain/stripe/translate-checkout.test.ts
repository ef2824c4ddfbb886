import { expect } from 'chai';
import { translateStripeEvent } from '../../../domain/stripe/translate.ts';
import { expectEvent } from '../expect-event.ts';
import { API_VERSION, FIXTURE_SHAPES, fixtureEvent, stripeObject } from '../../support/stripe-fixtures.ts';

for (const shape of FIXTURE_SHAPES) {
  describe(`translateStripeEvent: checkout.session.completed (${shape} shape)`, () => {
    it('reads the session and records where it came from', () => {
      const envelope = fixtureEvent(
        shape,
        'checkout.session.completed',
        'checkout.session',
        {
          id: 'cs_test_1',
          mode: 'subscription',
          client_reference_id: 'tenant_42',
          subscription: 'sub_123',
          customer: 'cus_123',
          payment_status: 'paid',
          amount_total: 14900,
          currency: 'usd',
        },
        { id: 'evt_checkout_1', created: 1735027201, livemode: true },
      );

      const data = expectEvent(translateStripeEvent(envelope, 'tenant_42'), 'CheckoutSessionCompleted');

      expect(data.session).to.deep.equal({
        id: 'cs_test_1',
        mode: 'subscription',
        clientReferenceId: 'tenant_42',
        subscriptionId: 'sub_123',
        paymentStatus: 'paid',
        amountTotal: 14900,
        currency: 'USD',
      });
      expect(data.tenantId).to.equal('tenant_42');
      expect(data.customerId).to.equal('cus_123');
      expect(data.stripe).to.deep.equal({
        eventId: 'evt_checkout_1',
        type: 'checkout.session.completed',
        created: 1735027201,
        apiVersion: API_VERSION[shape],
        livemode: true,
        object: envelope.data.object,
        previousAttributes: null,
      });
    });

    it("keeps Stripe's nulls as nulls", () => {
      const data = expectEvent(
        translateStripeEvent(fixtureEvent(shape, 'checkout.session.completed', 'checkout.session'), null),
        'CheckoutSessionCompleted',
      );
      expect(data.session).to.deep.equal({
        id: stripeObject(shape, 'checkout.session').id,
        mode: 'payment',
        clientReferenceId: null,
        subscriptionId: null,
        paymentStatus: 'unpaid',
        amountTotal: null,
        currency: null,
      });
      expect(data.tenantId).to.equal(null);
      expect(data.customerId).to.equal(null);
    });

    it('accepts an expanded subscription and customer', () => {
      const envelope = fixtureEvent(shape, 'checkout.session.completed', 'checkout.session', {
        subscription: { id: 'sub_expanded', object: 'subscription' },
        customer: { id: 'cus_expanded', object: 'customer' },
      });
      const data = expectEvent(translateStripeEvent(envelope, null), 'CheckoutSessionCompleted');
      expect(data.session.subscriptionId).to.equal('sub_expanded');
      expect(data.customerId).to.equal('cus_expanded');
    });
  });
}
