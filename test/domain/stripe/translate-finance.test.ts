import { expect } from 'chai';
import { translateStripeEvent } from '../../../domain/stripe/translate.ts';
import { expectEvent } from '../expect-event.ts';
import { FIXTURE_SHAPES, fixtureEvent } from '../../support/stripe-fixtures.ts';

for (const shape of FIXTURE_SHAPES) {
  describe(`translateStripeEvent: finance events (${shape} shape)`, () => {
    for (const [type, domainType, status] of [
      ['invoice.finalized', 'InvoiceFinalized', 'open'],
      ['invoice.voided', 'InvoiceVoided', 'void'],
      ['invoice.marked_uncollectible', 'InvoiceMarkedUncollectible', 'uncollectible'],
      ['invoice.payment_succeeded', 'InvoicePaymentSucceeded', 'paid'],
    ] as const) {
      it(`reads ${type} as ${domainType}`, () => {
        const data = expectEvent(translateStripeEvent(fixtureEvent(shape, type, 'invoice', { id: 'in_9', status }), 'tenant_42'), domainType);
        expect(data.invoice).to.include({ id: 'in_9', status });
      });
    }

    for (const [type, domainType] of [
      ['customer.subscription.paused', 'SubscriptionPaused'],
      ['customer.subscription.resumed', 'SubscriptionResumed'],
    ] as const) {
      it(`reads ${type} as ${domainType}`, () => {
        const status = domainType === 'SubscriptionPaused' ? 'paused' : 'active';
        const data = expectEvent(translateStripeEvent(fixtureEvent(shape, type, 'subscription', { id: 'sub_9', status }), 'tenant_42'), domainType);
        expect(data.subscription).to.include({ id: 'sub_9', status });
      });
    }

    it('reads payment_intent.succeeded with the fee of an expanded charge balance transaction and a platform fee', () => {
      const data = expectEvent(
        translateStripeEvent(
          fixtureEvent(shape, 'payment_intent.succeeded', 'payment_intent', {
            id: 'pi_9',
            customer: 'cus_9',
            status: 'succeeded',
            amount: 5000,
            amount_received: 5000,
            currency: 'jpy',
            application_fee_amount: 100,
            latest_charge: { id: 'ch_9', object: 'charge', balance_transaction: { id: 'txn_9', object: 'balance_transaction', fee: 180 } },
            last_payment_error: null,
          }),
          'tenant_42',
        ),
        'PaymentIntentSucceeded',
      );
      expect(data.paymentIntent).to.include({ id: 'pi_9', amount: 5000, amountReceived: 5000, currency: 'JPY', chargeId: 'ch_9', stripeFee: 180, applicationFee: 100, failureCode: null });
      expect(data.customerId).to.equal('cus_9');
    });

    it('reads payment_intent.payment_failed with its decline, and no fee when the charge is not expanded', () => {
      const data = expectEvent(
        translateStripeEvent(
          fixtureEvent(shape, 'payment_intent.payment_failed', 'payment_intent', {
            id: 'pi_8',
            latest_charge: 'ch_8',
            last_payment_error: { type: 'card_error', code: 'card_declined', decline_code: 'insufficient_funds', message: 'Your card has insufficient funds.', charge: 'ch_8' },
          }),
          'tenant_42',
        ),
        'PaymentIntentPaymentFailed',
      );
      expect(data.paymentIntent).to.include({ chargeId: 'ch_8', stripeFee: null, failureCode: 'card_declined', declineCode: 'insufficient_funds', failureMessage: 'Your card has insufficient funds.' });
    });

    for (const [type, domainType] of [
      ['charge.dispute.created', 'ChargeDisputeCreated'],
      ['charge.dispute.updated', 'ChargeDisputeUpdated'],
      ['charge.dispute.closed', 'ChargeDisputeClosed'],
    ] as const) {
      it(`reads ${type} as ${domainType}, its fee summed from its balance transactions`, () => {
        const data = expectEvent(
          translateStripeEvent(
            fixtureEvent(shape, type, 'dispute', { id: 'dp_9', charge: 'ch_9', status: 'lost', balance_transactions: [{ id: 'txn_1', object: 'balance_transaction', fee: 1500, amount: -11500 }] }),
            'tenant_42',
          ),
          domainType,
        );
        expect(data.dispute).to.deep.equal({ id: 'dp_9', chargeId: 'ch_9', paymentIntentId: null, amount: 1000, currency: 'USD', status: 'lost', reason: 'general', fee: 1500, created: 1234567890 });
      });
    }

    it("reads a dispute without balance transactions as one whose fee is unknown", () => {
      const data = expectEvent(translateStripeEvent(fixtureEvent(shape, 'charge.dispute.created', 'dispute'), 'tenant_42'), 'ChargeDisputeCreated');
      expect(data.dispute.fee).to.equal(null);
    });

    for (const [type, domainType] of [
      ['credit_note.created', 'CreditNoteCreated'],
      ['credit_note.voided', 'CreditNoteVoided'],
    ] as const) {
      it(`reads ${type} as ${domainType}`, () => {
        const data = expectEvent(translateStripeEvent(fixtureEvent(shape, type, 'credit_note', { id: 'cn_9' }), 'tenant_42'), domainType);
        expect(data.creditNote).to.include({ id: 'cn_9', total: 1690, currency: 'USD', status: 'issued', number: 'ABCD-1234-CN-01' });
        expect(data.creditNote.invoiceId).to.match(/^in_/);
      });
    }

    it('reads the Stripe fee of a refunded charge whose balance transaction was expanded', () => {
      const data = expectEvent(
        translateStripeEvent(fixtureEvent(shape, 'charge.refunded', 'charge', { balance_transaction: { id: 'txn_2', object: 'balance_transaction', fee: 59 } }), 'tenant_42'),
        'ChargeRefunded',
      );
      expect(data.charge.stripeFee).to.equal(59);
    });
  });
}
