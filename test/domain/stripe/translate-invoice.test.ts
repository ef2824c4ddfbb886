import { expect } from 'chai';
import { translateStripeEvent } from '../../../domain/stripe/translate.ts';
import { expectEvent } from '../expect-event.ts';
import { API_VERSION, FIXTURE_SHAPES, fixtureEvent, stripeEvent, stripeObject, type FixtureShape } from '../../support/stripe-fixtures.ts';

const INVOICE_TYPES = [
  ['invoice.paid', 'InvoicePaid'],
  ['invoice.payment_failed', 'InvoicePaymentFailed'],
  ['invoice.payment_action_required', 'InvoicePaymentActionRequired'],
] as const;

const SERVICE_PERIOD = { start: 1735689600, end: 1738368000 };

/** A paid subscription invoice, laid out the way each API shape lays it out. */
function subscriptionInvoice(shape: FixtureShape): Record<string, unknown> {
  const invoice = stripeObject(shape, 'invoice', {
    id: 'in_123',
    number: 'INV-0001',
    customer: 'cus_123',
    amount_due: 14900,
    amount_paid: 14900,
    amount_remaining: 0,
    currency: 'usd',
    status: 'paid',
    description: 'Professional plan',
    hosted_invoice_url: 'https://invoice.stripe.com/i/in_123',
    invoice_pdf: 'https://pay.stripe.com/invoice/in_123/pdf',
    period_start: 1733011200,
    period_end: 1735689600,
    status_transitions: { paid_at: 1735689700 },
    attempt_count: 1,
    next_payment_attempt: null,
    billing_reason: 'subscription_cycle',
    created: 1735689650,
  });
  const lines = invoice.lines as { data: Record<string, unknown>[] };
  const line = lines.data[0]!;
  line.period = SERVICE_PERIOD;
  if (shape === '2023-10') {
    Object.assign(invoice, { subscription: 'sub_123', payment_intent: 'pi_123', charge: 'ch_123' });
    Object.assign(line, { type: 'subscription', subscription: 'sub_123' });
  } else {
    invoice.parent = { type: 'subscription_details', quote_details: null, subscription_details: { subscription: 'sub_123', metadata: {} } };
    line.parent = { type: 'subscription_item_details', subscription_item_details: { subscription: 'sub_123', subscription_item: 'si_1' } };
  }
  return invoice;
}

for (const shape of FIXTURE_SHAPES) {
  describe(`translateStripeEvent: invoice events (${shape} shape)`, () => {
    for (const [stripeType, domainType] of INVOICE_TYPES) {
      it(`${stripeType} becomes ${domainType}`, () => {
        const envelope = stripeEvent(stripeType, subscriptionInvoice(shape), { id: 'evt_inv_1', apiVersion: API_VERSION[shape] });

        const data = expectEvent(translateStripeEvent(envelope, 'tenant_42'), domainType);

        expect(data.invoice).to.deep.equal({
          id: 'in_123',
          number: 'INV-0001',
          subscriptionId: 'sub_123',
          // Current-shape invoices no longer say how they were paid: invoice_payment does.
          paymentIntentId: shape === '2023-10' ? 'pi_123' : null,
          chargeId: shape === '2023-10' ? 'ch_123' : null,
          amountDue: 14900,
          amountPaid: 14900,
          amountRemaining: 0,
          currency: 'USD',
          status: 'paid',
          description: 'Professional plan',
          hostedInvoiceUrl: 'https://invoice.stripe.com/i/in_123',
          invoicePdf: 'https://pay.stripe.com/invoice/in_123/pdf',
          periodStart: SERVICE_PERIOD.start,
          periodEnd: SERVICE_PERIOD.end,
          paidAt: 1735689700,
          attemptCount: 1,
          nextPaymentAttempt: null,
          billingReason: 'subscription_cycle',
          created: 1735689650,
        });
        expect(data.customerId).to.equal('cus_123');
        expect(data.tenantId).to.equal('tenant_42');
        expect(data.stripe.type).to.equal(stripeType);
      });
    }

    it("uses the invoice's own period when no line is a subscription line", () => {
      const data = expectEvent(translateStripeEvent(fixtureEvent(shape, 'invoice.payment_failed', 'invoice'), null), 'InvoicePaymentFailed');
      const fixture = stripeObject(shape, 'invoice');
      // The fixture's only line is a one-off invoice item with a period of its own.
      expect(data.invoice.periodStart).to.equal(fixture.period_start);
      expect(data.invoice.periodEnd).to.equal(fixture.period_end);
      expect(data.invoice).to.include({ amountDue: 1000, currency: 'USD', status: 'draft', attemptCount: 0, paidAt: null });
    });

    it('accepts expanded customer, subscription, payment intent and charge', () => {
      const invoice = subscriptionInvoice(shape);
      invoice.customer = { id: 'cus_expanded', object: 'customer' };
      if (shape === '2023-10') {
        Object.assign(invoice, {
          subscription: { id: 'sub_expanded', object: 'subscription' },
          payment_intent: { id: 'pi_expanded', object: 'payment_intent' },
          charge: { id: 'ch_expanded', object: 'charge' },
        });
      } else {
        invoice.parent = { type: 'subscription_details', subscription_details: { subscription: { id: 'sub_expanded' }, metadata: null } };
      }
      const data = expectEvent(translateStripeEvent(stripeEvent('invoice.paid', invoice), null), 'InvoicePaid');
      expect(data.customerId).to.equal('cus_expanded');
      expect(data.invoice.subscriptionId).to.equal('sub_expanded');
      if (shape === '2023-10') {
        expect(data.invoice).to.include({ paymentIntentId: 'pi_expanded', chargeId: 'ch_expanded' });
      }
    });
  });
}

describe('translateStripeEvent: invoice_payment.paid (current shape)', () => {
  it('reads a payment made through a payment intent', () => {
    const envelope = fixtureEvent('current', 'invoice_payment.paid', 'invoice_payment', {
      id: 'inpay_123',
      invoice: 'in_123',
      payment: { type: 'payment_intent', payment_intent: 'pi_123' },
      amount_paid: 14900,
      currency: 'eur',
    });

    const data = expectEvent(translateStripeEvent(envelope, 'tenant_42'), 'InvoicePaymentPaid');

    expect(data.invoicePayment).to.deep.equal({
      id: 'inpay_123',
      invoiceId: 'in_123',
      paymentIntentId: 'pi_123',
      chargeId: null,
      amountPaid: 14900,
      currency: 'EUR',
    });
    // An invoice payment names no customer; routing falls back to the invoice's tenant.
    expect(data.customerId).to.equal(null);
    expect(data.tenantId).to.equal('tenant_42');
  });

  it('reads a payment made through a charge, with the invoice expanded', () => {
    const envelope = fixtureEvent('current', 'invoice_payment.paid', 'invoice_payment', {
      invoice: { id: 'in_expanded', object: 'invoice', customer: 'cus_123' },
      payment: { type: 'charge', charge: { id: 'ch_123', object: 'charge' } },
      currency: 'usd',
    });
    const data = expectEvent(translateStripeEvent(envelope, null), 'InvoicePaymentPaid');
    expect(data.invoicePayment).to.include({ invoiceId: 'in_expanded', paymentIntentId: null, chargeId: 'ch_123', amountPaid: null });
  });

  it("records Stripe's example object, whose currency is a placeholder, as invalid_shape", () => {
    const data = expectEvent(
      translateStripeEvent(fixtureEvent('current', 'invoice_payment.paid', 'invoice_payment'), null),
      'StripeEventRecorded',
    );
    expect(data.reason).to.equal('invalid_shape');
    expect(data.detail).to.include('currency');
  });
});
