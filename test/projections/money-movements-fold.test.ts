import { expect } from 'chai';
import type { DomainEvent } from '../../domain/events/catalogue.ts';
import { foldMoneyMovements, movementRows } from '../../projections/money-movements/evolve.ts';
import type { MoneyMovementRow, PaymentFactRow } from '../../projections/money-movements/rows.ts';
import { chargeRefunded, invoicePaid, invoicePaymentPaid, OTHER_TENANT, T0, TENANT } from '../support/domain-events.ts';
import { creditNoteEvent, disputeEvent, paymentIntentEvent } from '../support/finance-events.ts';

interface Tables {
  movements: MoneyMovementRow[];
  facts: PaymentFactRow[];
}

/** Given the rows already written, when `events` arrive (in one batch), then: both tables, by key. */
function fold(given: Tables, events: DomainEvent[]): Tables {
  const rows = movementRows(given);
  foldMoneyMovements(rows, events);
  return {
    movements: rows.movements.all().sort((a, b) => (a.movement_key < b.movement_key ? -1 : 1)),
    facts: rows.facts.all().sort((a, b) => (a.stripe_id < b.stripe_id ? -1 : 1)),
  };
}

const none: Tables = { movements: [], facts: [] };

/** given/when/then: the same `when` delivered twice gives the same rows, and so does each event in a batch of its own. */
function spec(given: DomainEvent[], when: DomainEvent[]): MoneyMovementRow[] {
  const before = fold(none, given);
  const then = fold(before, when);
  expect(fold(before, [...when, ...when]), 'delivered twice').to.deep.equal(then);
  expect([...given, ...when].reduce<Tables>((tables, event) => fold(tables, [event]), none), 'one event per batch').to.deep.equal(then);
  return then.movements;
}

const summary = (rows: MoneyMovementRow[]) => rows.map((r) => [r.kind, r.status, r.amount_minor, r.net_minor, r.currency, r.stripe_invoice_id]);

describe('money movements fold', () => {
  const paid = (o: { amount?: number; currency?: string; created?: number } = {}) =>
    invoicePaid({ id: 'in_1', amountPaid: o.amount ?? 14_900, amountDue: o.amount ?? 14_900, currency: o.currency ?? 'USD', paymentIntentId: 'pi_1', chargeId: 'ch_1' }, { created: o.created ?? T0 });

  it('a payment, a partial refund, then a lost dispute: payment positive, refund and lost dispute negative', () => {
    const rows = spec(
      [paid()],
      [
        chargeRefunded({ id: 'ch_1', paymentIntentId: 'pi_1', amountRefunded: 4_900 }, { created: T0 + 100 }),
        disputeEvent('ChargeDisputeCreated', { id: 'dp_1', chargeId: 'ch_1', status: 'needs_response', amount: 10_000 }, { created: T0 + 200 }),
        disputeEvent('ChargeDisputeClosed', { id: 'dp_1', chargeId: 'ch_1', status: 'lost', amount: 10_000 }, { created: T0 + 300 }),
      ],
    );
    expect(summary(rows)).to.deep.equal([
      ['dispute_opened', 'lost', 10_000n, 0n, 'USD', 'in_1'],
      ['dispute_lost', 'lost', 10_000n, -10_000n, 'USD', 'in_1'],
      ['payment', 'succeeded', 14_900n, 14_900n, 'USD', 'in_1'],
      ['refund', 'succeeded', 4_900n, -4_900n, 'USD', 'in_1'],
    ]);
    expect(rows.reduce((sum, r) => sum + r.net_minor, 0n)).to.equal(0n);
    expect(rows.find((r) => r.kind === 'dispute_opened')).to.include({ fee_minor: 1_500n, reason: 'fraudulent', stripe_object_id: 'dp_1' });
    expect(rows.find((r) => r.kind === 'dispute_lost')!.occurred_at).to.deep.equal(new Date((T0 + 300) * 1000));
  });

  it('the same history in a zero-decimal currency keeps the amounts as Stripe sent them', () => {
    const rows = spec(
      [paid({ amount: 5_000, currency: 'JPY' })],
      [
        chargeRefunded({ id: 'ch_1', amount: 5_000, amountRefunded: 1_000, currency: 'JPY' }, { created: T0 + 100 }),
        disputeEvent('ChargeDisputeClosed', { id: 'dp_1', chargeId: 'ch_1', status: 'lost', amount: 4_000, currency: 'JPY' }, { created: T0 + 300 }),
      ],
    );
    expect(summary(rows)).to.deep.equal([
      ['dispute_opened', 'lost', 4_000n, 0n, 'JPY', 'in_1'],
      ['dispute_lost', 'lost', 4_000n, -4_000n, 'JPY', 'in_1'],
      ['payment', 'succeeded', 5_000n, 5_000n, 'JPY', 'in_1'],
      ['refund', 'succeeded', 1_000n, -1_000n, 'JPY', 'in_1'],
    ]);
  });

  it('a partial then a full refund are two refunds, whatever order their deliveries come in', () => {
    const partial = chargeRefunded({ id: 'ch_1', amountRefunded: 4_900 }, { created: T0 + 100 });
    const full = chargeRefunded({ id: 'ch_1', amountRefunded: 14_900, refunded: true }, { created: T0 + 200 });
    const expected = spec([paid()], [partial, full]);
    expect(spec([paid()], [full, partial])).to.deep.equal(expected);
    expect(expected.filter((r) => r.kind === 'refund').map((r) => [r.amount_minor, r.net_minor])).to.deep.equal([
      [10_000n, -10_000n],
      [4_900n, -4_900n],
    ]);
  });

  it('a won dispute nets to nothing, and an older open status does not reopen it', () => {
    const rows = spec(
      [paid()],
      [
        disputeEvent('ChargeDisputeClosed', { id: 'dp_1', chargeId: 'ch_1', status: 'won' }, { created: T0 + 300 }),
        disputeEvent('ChargeDisputeUpdated', { id: 'dp_1', chargeId: 'ch_1', status: 'under_review' }, { created: T0 + 200 }),
      ],
    );
    expect(summary(rows.filter((r) => r.kind !== 'payment'))).to.deep.equal([
      ['dispute_opened', 'won', 10_000n, 0n, 'USD', 'in_1'],
      ['dispute_won', 'won', 10_000n, 0n, 'USD', 'in_1'],
    ]);
  });

  it('current API shape: the payment learns its intent, charge and fee from invoice_payment and the intent, in any order', () => {
    const invoice = invoicePaid({ id: 'in_2', amountPaid: 14_900 }, { created: T0 });
    const link = invoicePaymentPaid({ invoiceId: 'in_2', paymentIntentId: 'pi_2', chargeId: 'ch_2' }, { created: T0 });
    const intent = paymentIntentEvent('PaymentIntentSucceeded', { id: 'pi_2', chargeId: 'ch_2', stripeFee: 462 }, { created: T0 });
    const refund = chargeRefunded({ id: 'ch_2', paymentIntentId: 'pi_2', amountRefunded: 900 }, { created: T0 + 60 });
    const expected = spec([], [invoice, link, intent, refund]);
    for (const order of [[refund, intent, link, invoice], [link, refund, invoice, intent], [intent, invoice, refund, link]]) {
      expect(spec([], order)).to.deep.equal(expected);
    }
    expect(expected.find((r) => r.kind === 'payment')).to.include({ stripe_payment_intent_id: 'pi_2', stripe_charge_id: 'ch_2', fee_minor: 462n });
    expect(expected.find((r) => r.kind === 'refund')).to.include({ stripe_invoice_id: 'in_2', amount_minor: 900n, net_minor: -900n });
  });

  it('a failed attempt is a row of its own with its decline code; the money it did not move nets to zero', () => {
    const rows = spec([], [paymentIntentEvent('PaymentIntentPaymentFailed', { id: 'pi_3', chargeId: 'ch_3' }, { created: T0 + 5 })]);
    expect(rows).to.have.length(1);
    expect(rows[0]).to.include({ kind: 'failed_payment', status: 'failed', amount_minor: 14_900n, net_minor: 0n, reason: 'insufficient_funds', failure_message: 'Your card has insufficient funds.' });
  });

  it('a credit note is issued, then void whichever delivery comes last', () => {
    const created = creditNoteEvent('CreditNoteCreated', { id: 'cn_1', invoiceId: 'in_1' }, { created: T0 + 10 });
    const voided = creditNoteEvent('CreditNoteVoided', { id: 'cn_1', invoiceId: 'in_1' }, { created: T0 + 20 });
    expect(spec([], [created])[0]).to.include({ kind: 'credit_note', status: 'issued', amount_minor: 2_000n, net_minor: 0n, stripe_invoice_id: 'in_1' });
    expect(spec([], [created, voided])[0]).to.include({ status: 'void' });
    expect(spec([], [voided, created])[0]).to.include({ status: 'void' });
  });

  it('a $0 invoice moves no money, an event without a tenant writes nothing, and a row never changes tenant', () => {
    expect(spec([], [invoicePaid({ id: 'in_0', amountPaid: 0 })])).to.deep.equal([]);
    expect(spec([], [invoicePaid({ id: 'in_x' }, { tenantId: null })])).to.deep.equal([]);
    const rows = spec([paid()], [invoicePaid({ id: 'in_1', amountPaid: 14_900 }, { tenantId: OTHER_TENANT, created: T0 + 10 })]);
    expect(rows.map((r) => r.tenant_id)).to.deep.equal([TENANT]);
  });
});
