import { expect } from 'chai';
import { translateStripeEvent } from '../../../domain/stripe/translate.ts';
import { expectEvent } from '../expect-event.ts';
import { FIXTURE_SHAPES, fixtureEvent, stripeObject } from '../../support/stripe-fixtures.ts';

const EXPIRY_YEAR = { '2023-10': 2024, current: 2030 } as const;

for (const shape of FIXTURE_SHAPES) {
  describe(`translateStripeEvent: payment_method.attached (${shape} shape)`, () => {
    const fingerprint = (stripeObject(shape, 'payment_method').card as { fingerprint: string }).fingerprint;
    const translate = () =>
      expectEvent(
        translateStripeEvent(fixtureEvent(shape, 'payment_method.attached', 'payment_method', { customer: 'cus_123' }), 'tenant_42'),
        'PaymentMethodAttached',
      );

    it('keeps only brand, last4 and expiry of the card in the event', () => {
      const data = translate();
      expect(data.paymentMethod).to.deep.equal({
        id: stripeObject(shape, 'payment_method').id,
        type: 'card',
        card: { brand: 'visa', last4: '4242', expMonth: 8, expYear: EXPIRY_YEAR[shape] },
      });
      expect(data.customerId).to.equal('cus_123');
    });

    it('stores the original object with the card cut down to the displayable fields', () => {
      const data = translate();
      expect(data.stripe.object.card).to.deep.equal({
        brand: 'visa',
        last4: '4242',
        exp_month: 8,
        exp_year: EXPIRY_YEAR[shape],
        funding: 'credit',
        country: 'US',
      });
      expect(data.stripe.object.billing_details).to.deep.equal(stripeObject(shape, 'payment_method').billing_details);
    });

    it('stores no fingerprint anywhere', () => {
      const stored = JSON.stringify(translate());
      expect(fingerprint).to.be.a('string').and.not.equal('');
      expect(stored).not.to.include(fingerprint);
      expect(stored).not.to.include('fingerprint');
      expect(stored).not.to.include('cvc_check');
    });
  });
}

describe('translateStripeEvent: payment_method.attached without a card', () => {
  it('gives card null for other payment method types', () => {
    const envelope = fixtureEvent('current', 'payment_method.attached', 'payment_method', {
      type: 'sepa_debit',
      card: undefined,
      sepa_debit: { bank_code: '37040044', country: 'DE', last4: '3000' },
    });
    const data = expectEvent(translateStripeEvent(envelope, null), 'PaymentMethodAttached');
    expect(data.paymentMethod.type).to.equal('sepa_debit');
    expect(data.paymentMethod.card).to.equal(null);
  });
});
