import { expect } from 'chai';
import { safeParseDomainEvent } from '../../../domain/events/catalogue.ts';
import { UNIX_SECONDS_MAX, UNIX_SECONDS_MIN, unixSeconds } from '../../../domain/events/common.ts';
import { MAX_STRIPE_AMOUNT_MINOR, stripeAmount } from '../../../domain/money.ts';
import { stripeEventEnvelopeSchema } from '../../../domain/stripe/envelope.ts';
import { translateStripeEvent, translateUnreadableStripeEvent } from '../../../domain/stripe/translate.ts';
import { expectEvent } from '../expect-event.ts';
import { fixtureEvent, stripeEvent, stripeObject } from '../../support/stripe-fixtures.ts';

const paidInvoice = (overrides: Record<string, unknown>) =>
  stripeEvent('invoice.paid', stripeObject('2023-10', 'invoice', { id: 'in_1', status: 'paid', amount_paid: 14900, ...overrides }));

describe('values no real Stripe object can have', () => {
  describe('the bounds', () => {
    it('reads a timestamp from the epoch to the last second of 9999, and nothing outside', () => {
      expect(new Date(UNIX_SECONDS_MAX * 1000).toISOString()).to.equal('9999-12-31T23:59:59.000Z');
      for (const ok of [UNIX_SECONDS_MIN, 1_735_689_600, UNIX_SECONDS_MAX]) expect(unixSeconds.safeParse(ok).success, String(ok)).to.equal(true);
      for (const bad of [UNIX_SECONDS_MIN - 1, -1_000_000_000_000, UNIX_SECONDS_MAX + 1, 8.64e15, 1.5]) {
        expect(unixSeconds.safeParse(bad).success, String(bad)).to.equal(false);
      }
    });

    it("reads an amount from 0 to Stripe's documented maximum (twelve digits), and nothing outside", () => {
      expect(MAX_STRIPE_AMOUNT_MINOR).to.equal(999_999_999_999);
      for (const ok of [0, 14900, MAX_STRIPE_AMOUNT_MINOR]) expect(stripeAmount.safeParse(ok).success, String(ok)).to.equal(true);
      for (const bad of [-1, MAX_STRIPE_AMOUNT_MINOR + 1, 2 ** 53, 1.5]) expect(stripeAmount.safeParse(bad).success, String(bad)).to.equal(false);
    });
  });

  describe('in translation', () => {
    it('records an invoice created before 1970 or after 9999 as invalid_shape, naming the field', () => {
      for (const created of [-1_000_000_000_000, -1, UNIX_SECONDS_MAX + 1]) {
        const data = expectEvent(translateStripeEvent(paidInvoice({ created }), 'tenant-1'), 'StripeEventRecorded');
        expect(data.reason).to.equal('invalid_shape');
        expect(data.detail).to.match(/created/);
        expect(data.tenantId).to.equal('tenant-1');
      }
    });

    it('records impossible dates inside an invoice (paid_at, a line period) as invalid_shape', () => {
      const paidAt = expectEvent(translateStripeEvent(paidInvoice({ status_transitions: { paid_at: -5 } }), null), 'StripeEventRecorded');
      expect(paidAt.detail).to.match(/paid_at/);
      const invoice = stripeObject('2023-10', 'invoice', { id: 'in_1' });
      (invoice.lines as { data: Record<string, unknown>[] }).data[0]!.period = { start: 0, end: UNIX_SECONDS_MAX + 1 };
      const period = expectEvent(translateStripeEvent(stripeEvent('invoice.paid', invoice), null), 'StripeEventRecorded');
      expect(period.detail).to.match(/period/);
    });

    it('records a subscription whose period ends after 9999 as invalid_shape', () => {
      const event = fixtureEvent('2023-10', 'customer.subscription.updated', 'subscription', { current_period_end: UNIX_SECONDS_MAX + 1 });
      const data = expectEvent(translateStripeEvent(event, null), 'StripeEventRecorded');
      expect(data.reason).to.equal('invalid_shape');
    });

    it("records amounts above Stripe's maximum, or negative, as invalid_shape", () => {
      for (const amounts of [{ amount_paid: MAX_STRIPE_AMOUNT_MINOR + 1 }, { amount_due: -1 }, { amount_remaining: 2 ** 52 }]) {
        const data = expectEvent(translateStripeEvent(paidInvoice(amounts), null), 'StripeEventRecorded');
        expect(data.reason, JSON.stringify(amounts)).to.equal('invalid_shape');
      }
      const refund = fixtureEvent('2023-10', 'charge.refunded', 'charge', { amount: 1000, amount_refunded: MAX_STRIPE_AMOUNT_MINOR + 1 });
      expect(expectEvent(translateStripeEvent(refund, null), 'StripeEventRecorded').reason).to.equal('invalid_shape');
    });

    it('still reads the largest real values', () => {
      const data = expectEvent(
        translateStripeEvent(paidInvoice({ amount_paid: MAX_STRIPE_AMOUNT_MINOR, currency: 'idr', created: UNIX_SECONDS_MAX }), null),
        'InvoicePaid',
      );
      expect(data.invoice).to.include({ amountPaid: MAX_STRIPE_AMOUNT_MINOR, created: UNIX_SECONDS_MAX });
    });

    it('refuses an envelope created out of range, and the unreadable-event path never carries that created', () => {
      const body = { ...paidInvoice({}), created: -1_000_000_000_000 };
      const envelope = stripeEventEnvelopeSchema.safeParse(body);
      expect(envelope.success).to.equal(false);
      for (const created of [-1_000_000_000_000, UNIX_SECONDS_MAX + 1, '0001-01-01T00:00:00Z', '+275760-09-13T00:00:00Z', '10000-01-01T00:00:00Z']) {
        const data = expectEvent(translateUnreadableStripeEvent({ ...body, created }, 'created: out of range'), 'StripeEventRecorded');
        expect(data.stripe.created, String(created)).to.equal(0);
      }
    });
  });

  describe('on replay', () => {
    it('fails to parse an InvoicePaid stored before the bounds existed, so it never reaches a projection', () => {
      const good = expectEvent(translateStripeEvent(paidInvoice({}), 'tenant-1'), 'InvoicePaid');
      const stored = JSON.parse(JSON.stringify(good)) as typeof good;
      expect(safeParseDomainEvent('InvoicePaid', { ...stored, invoice: { ...stored.invoice, created: -1_000_000_000_000 } }).success).to.equal(false);
      expect(safeParseDomainEvent('InvoicePaid', { ...stored, invoice: { ...stored.invoice, amountPaid: MAX_STRIPE_AMOUNT_MINOR + 1 } }).success).to.equal(false);
      expect(safeParseDomainEvent('InvoicePaid', { ...stored, stripe: { ...stored.stripe, created: -1 } }).success).to.equal(false);
    });
  });
});
