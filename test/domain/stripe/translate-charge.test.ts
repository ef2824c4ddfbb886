import { expect } from 'chai';
import { translateStripeEvent } from '../../../domain/stripe/translate.ts';
import { expectEvent } from '../expect-event.ts';
import { FIXTURE_SHAPES, fixtureEvent, stripeObject } from '../../support/stripe-fixtures.ts';

for (const shape of FIXTURE_SHAPES) {
  describe(`translateStripeEvent: charge.refunded (${shape} shape)`, () => {
    const refundedCharge = {
      id: 'ch_123',
      customer: 'cus_123',
      payment_intent: 'pi_123',
      amount: 14900,
      amount_refunded: 4900,
      currency: 'eur',
      refunded: false,
      receipt_url: 'https://pay.stripe.com/receipts/ch_123',
      // Newer API versions dropped `invoice` from charges.
      ...(shape === '2023-10' ? { invoice: 'in_123' } : {}),
    };

    it('reads the refund state of the charge', () => {
      const data = expectEvent(
        translateStripeEvent(fixtureEvent(shape, 'charge.refunded', 'charge', refundedCharge), 'tenant_42'),
        'ChargeRefunded',
      );
      expect(data.charge).to.deep.equal({
        id: 'ch_123',
        paymentIntentId: 'pi_123',
        invoiceId: shape === '2023-10' ? 'in_123' : null,
        amount: 14900,
        amountRefunded: 4900,
        currency: 'EUR',
        refunded: false,
        receiptUrl: 'https://pay.stripe.com/receipts/ch_123',
        // The fixture's balance_transaction is an id, not expanded: the fee is not in the event.
        stripeFee: null,
      });
      expect(data.customerId).to.equal('cus_123');
    });

    it('stores the charge without the card fingerprint or checks', () => {
      const data = expectEvent(
        translateStripeEvent(fixtureEvent(shape, 'charge.refunded', 'charge', { refunded: true, amount_refunded: 100 }), null),
        'ChargeRefunded',
      );
      expect(data.charge).to.include({ refunded: true, amountRefunded: 100, amount: 100, currency: 'USD' });
      const details = data.stripe.object.payment_method_details as { card: Record<string, unknown>; type: string };
      expect(details.type).to.equal('card');
      expect(Object.keys(details.card).sort()).to.deep.equal(['brand', 'country', 'exp_month', 'exp_year', 'funding', 'last4']);
      const fingerprint = (stripeObject(shape, 'charge').payment_method_details as { card: { fingerprint: string } }).card.fingerprint;
      expect(JSON.stringify(data)).not.to.include(fingerprint);
    });
  });
}
