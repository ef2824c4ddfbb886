import { expect } from 'chai';
import type { DomainEvent } from '../../domain/events/catalogue.ts';
import { foldPayments, paymentsRows, stripeIdsOf, type PaymentsRows } from '../../projections/payments/evolve.ts';
import type { InvoicePaymentLinkRow, PaymentRow, RefundRow } from '../../projections/payments/rows.ts';
import { chargeRefunded, invoicePaid, invoicePaymentPaid, OTHER_TENANT, subscriptionEvent, T0, TENANT } from '../support/domain-events.ts';

interface Tables {
  payments?: PaymentRow[];
  refunds?: RefundRow[];
  links?: InvoicePaymentLinkRow[];
}

function folded(given: Tables, events: DomainEvent[]): PaymentsRows {
  const rows = paymentsRows(given);
  foldPayments(rows, events);
  return rows;
}

/** Given the rows a batch read, when its events are folded, then: the rows it writes, by table. */
function fold(given: Tables, events: DomainEvent[]): Required<Tables> {
  const { payments, refunds, links } = folded(given, events);
  return { payments: payments.written(), refunds: refunds.written(), links: links.written() };
}

/** What a later batch would read back after these events: every row, in its last state. */
function stored(events: DomainEvent[]): Required<Tables> {
  const { payments, refunds, links } = folded({}, events);
  return { payments: payments.all(), refunds: refunds.all(), links: links.all() };
}

const refunded = (tables: Required<Tables>, invoiceId: string) => tables.payments.find((p) => p.stripe_invoice_id === invoiceId)?.amount_refunded_minor;

describe('payments fold', () => {
  const paid = invoicePaid({ id: 'in_1', number: 'INV-1', paymentIntentId: 'pi_1', amountPaid: 14_900 }, { created: T0 + 60 });

  it('given nothing, when an invoice is paid, then writes its payment in minor units with nothing refunded', () => {
    const { payments, refunds, links } = fold({}, [paid]);
    expect(payments).to.have.length(1);
    expect(payments[0]).to.include({ stripe_invoice_id: 'in_1', tenant_id: TENANT, amount_minor: 14_900n, amount_refunded_minor: 0n, currency: 'USD', description: 'Invoice INV-1' });
    expect(payments[0]?.paid_at).to.deep.equal(new Date((T0 + 60) * 1000));
    expect([refunds, links]).to.deep.equal([[], []]);
  });

  it('given a refund from an earlier batch, when its invoice is paid, then the payment is net of it', () => {
    const earlier = stored([chargeRefunded({ id: 'ch_1', paymentIntentId: 'pi_1', amountRefunded: 4_900 })]);
    expect(refunded(fold(earlier, [paid]), 'in_1')).to.equal(4_900n);
  });

  it('given a payment, when its charge is refunded twice (cumulative amounts, out of order), then counts the largest', () => {
    const earlier = stored([paid]);
    const first = chargeRefunded({ id: 'ch_1', paymentIntentId: 'pi_1', amountRefunded: 4_900 });
    const second = chargeRefunded({ id: 'ch_1', paymentIntentId: null, amountRefunded: 9_900 });
    const then = fold(earlier, [second, first]);
    expect(refunded(then, 'in_1')).to.equal(9_900n);
    expect(then.refunds).to.deep.equal([
      { stripe_charge_id: 'ch_1', tenant_id: TENANT, stripe_payment_intent_id: 'pi_1', stripe_invoice_id: null, amount_refunded_minor: 9_900n, currency: 'USD' },
    ]);
  });

  it('given nothing, when a $0 invoice is paid, then writes no payment', () => {
    const free = invoicePaid({ id: 'in_free', amountPaid: 0, amountDue: 0 }, { created: T0 });
    expect(fold({}, [free]).payments).to.deep.equal([]);
  });

  it('keeps the status in the row: paid, partially_refunded, refunded', () => {
    const earlier = stored([paid]);
    expect(fold(earlier, [chargeRefunded({ id: 'ch_1', paymentIntentId: 'pi_1', amountRefunded: 100 })]).payments[0]?.status).to.equal('partially_refunded');
    expect(fold(earlier, [chargeRefunded({ id: 'ch_1', paymentIntentId: 'pi_1', amountRefunded: 14_900 })]).payments[0]?.status).to.equal('refunded');
    expect(fold({}, [paid]).payments[0]?.status).to.equal('succeeded');
  });

  it('given a refund stored with its intent, when a later delivery of the charge omits the intent, then still recounts the payment', () => {
    const earlier = stored([paid, chargeRefunded({ id: 'ch_1', paymentIntentId: 'pi_1', amountRefunded: 4_900 })]);
    const later = chargeRefunded({ id: 'ch_1', paymentIntentId: null, amountRefunded: 14_900 });
    expect(refunded(fold(earlier, [later]), 'in_1')).to.equal(14_900n);
  });

  it('counts only refunds of the payment\'s own tenant, however its id is spelt', () => {
    const theirs = chargeRefunded({ id: 'ch_9', paymentIntentId: 'pi_1', amountRefunded: 100 }, { tenantId: OTHER_TENANT });
    const ours = chargeRefunded({ id: 'ch_2', invoiceId: 'in_1', amountRefunded: 200 }, { tenantId: TENANT.toUpperCase() });
    expect(refunded(fold({}, [paid, theirs, ours]), 'in_1')).to.equal(200n);
  });

  it('given an invoice_payment before its invoice, when the invoice names no payment ids, then the payment takes the linked ones', () => {
    const link = invoicePaymentPaid({ invoiceId: 'in_2', paymentIntentId: 'pi_2', chargeId: 'ch_2' });
    const refund = chargeRefunded({ id: 'ch_2', amountRefunded: 1_000 });
    const earlier = stored([link, refund]);
    const then = fold(earlier, [invoicePaid({ id: 'in_2' })]);
    expect(then.payments[0]).to.include({ stripe_payment_intent_id: 'pi_2', stripe_charge_id: 'ch_2', amount_refunded_minor: 1_000n });
  });

  it('given a paid invoice, when an invoice_payment names other ids, then the invoice\'s own ids win and missing ones are filled', () => {
    const earlier = stored([paid]);
    const then = fold(earlier, [invoicePaymentPaid({ invoiceId: 'in_1', paymentIntentId: 'pi_other', chargeId: 'ch_1' })]);
    expect(then.payments[0]).to.include({ stripe_payment_intent_id: 'pi_1', stripe_charge_id: 'ch_1' });
    expect(then.links[0]).to.include({ stripe_payment_intent_id: 'pi_other', stripe_charge_id: 'ch_1' });
  });

  it('ignores events it does not handle and events that name no tenant', () => {
    const unrouted = invoicePaid({ id: 'in_3' }, { tenantId: null });
    expect(fold({}, [unrouted, subscriptionEvent('SubscriptionCreated', { id: 'sub_1', status: 'active' })])).to.deep.equal({ payments: [], refunds: [], links: [] });
  });

  it('the same events delivered twice give the same rows', () => {
    const events = [
      invoicePaymentPaid({ invoiceId: 'in_1', chargeId: 'ch_1' }),
      paid,
      chargeRefunded({ id: 'ch_1', amountRefunded: 4_900 }),
      invoicePaid({ id: 'in_2', paymentIntentId: 'pi_2' }),
      chargeRefunded({ id: 'ch_7', paymentIntentId: 'pi_2', amountRefunded: 300 }),
    ];
    const once = fold({}, events);
    expect(fold({}, [...events, ...events])).to.deep.equal(once);
    expect(fold(once, events)).to.deep.equal(once);
    expect([refunded(once, 'in_1'), refunded(once, 'in_2')]).to.deep.equal([4_900n, 300n]);
  });

  it('names every Stripe id its events mention, for reading the rows they reach', () => {
    const ids = stripeIdsOf([paid, invoicePaymentPaid({ invoiceId: 'in_2', chargeId: 'ch_2' }), chargeRefunded({ id: 'ch_3', invoiceId: 'in_3', amountRefunded: 1 })]);
    expect(ids).to.deep.equal({
      stripe_invoice_id: new Set(['in_1', 'in_2', 'in_3']),
      stripe_payment_intent_id: new Set(['pi_1']),
      stripe_charge_id: new Set(['ch_2', 'ch_3']),
    });
  });
});
