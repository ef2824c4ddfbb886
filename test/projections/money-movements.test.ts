import { expect } from 'chai';
import { projectionByName } from '../../projections/all.ts';
import { rebuildProjection } from '../../src/workers/rebuild.ts';
import { paidInvoiceEvent } from '../support/invoice-events.ts';
import { fixtureEvent, FIXTURE_SHAPES } from '../support/stripe-fixtures.ts';
import { startTestLedger, type TestLedger } from '../support/test-ledger.ts';

const T0 = 1_767_225_600;

for (const shape of FIXTURE_SHAPES) {
  describe(`money_movements projection (${shape} shape)`, function () {
    this.timeout(120_000);
    let t: TestLedger;
    before(async () => {
      t = await startTestLedger();
    });
    after(() => t?.close());

    const movements = async (tenant: string) =>
      (await t.database.pool.query('select kind, status, amount_minor, net_minor, currency, fee_minor, stripe_invoice_id from money_movements where tenant_id = $1 order by occurred_at, kind', [tenant])).rows.map((r) => [
        r.kind,
        r.status,
        Number(r.amount_minor),
        Number(r.net_minor),
        r.currency,
        r.fee_minor === null ? null : Number(r.fee_minor),
        r.stripe_invoice_id,
      ]);

    for (const currency of ['usd', 'jpy']) {
      it(`a payment, a partial refund, then a lost dispute, each delivered twice (${currency})`, async () => {
        const { tenant: { id: tenant } } = await t.ledger.tenants.create(`Disputed ${currency}`);
        const id = `${shape}_${currency}`;
        const invoice = `in_${id}`;
        const pi = `pi_${id}`;
        const charge = `ch_${id}`;
        const paid = paidInvoiceEvent(shape, { evt: `evt_paid_${id}`, invoice, tenant, amount: 14_900, currency, paidAt: T0, paymentIntent: pi });
        // Current API versions name the invoice's payment intent and charge only in invoice_payment.paid.
        const link = () => fixtureEvent(shape, 'invoice_payment.paid', 'invoice_payment', { id: `inpay_${id}`, invoice, payment: { type: 'payment_intent', payment_intent: pi, charge }, amount_paid: 14_900, currency }, { id: `evt_link_${id}`, created: T0 });
        const intent = fixtureEvent(shape, 'payment_intent.succeeded', 'payment_intent', {
          id: pi,
          status: 'succeeded',
          amount: 14_900,
          amount_received: 14_900,
          currency,
          metadata: { tenant_id: tenant },
          latest_charge: { id: charge, object: 'charge', balance_transaction: { id: `txn_${id}`, object: 'balance_transaction', fee: 462 } },
          last_payment_error: null,
          ...(shape === '2023-10' ? { invoice } : {}),
        }, { id: `evt_pi_${id}`, created: T0 });
        const refund = fixtureEvent(shape, 'charge.refunded', 'charge', { id: charge, payment_intent: pi, invoice: shape === '2023-10' ? invoice : undefined, amount: 14_900, amount_refunded: 4_900, refunded: false, currency, metadata: { tenant_id: tenant } }, { id: `evt_refund_${id}`, created: T0 + 100 });
        const dispute = (type: string, status: string, created: number) =>
          fixtureEvent(shape, type, 'dispute', { id: `dp_${id}`, charge, amount: 10_000, currency, status, created: T0 + 200, metadata: { tenant_id: tenant }, balance_transactions: [{ id: `txn_dp_${id}`, object: 'balance_transaction', fee: 1_500 }] }, { id: `evt_${type}_${id}`, created });
        const events = [paid, ...(shape === 'current' ? [link()] : []), intent, refund, dispute('charge.dispute.created', 'needs_response', T0 + 200), dispute('charge.dispute.closed', 'lost', T0 + 300)];
        for (const event of [...events, ...events]) expect((await t.deliver(event)).status).to.equal(200);
        await t.project();
        expect(await movements(tenant)).to.deep.equal([
          ['payment', 'succeeded', 14_900, 14_900, currency.toUpperCase(), 462, invoice],
          ['refund', 'succeeded', 4_900, -4_900, currency.toUpperCase(), null, invoice],
          ['dispute_opened', 'lost', 10_000, 0, currency.toUpperCase(), 1_500, invoice],
          ['dispute_lost', 'lost', 10_000, -10_000, currency.toUpperCase(), null, invoice],
        ]);
      });
    }

    it('a failed attempt and a credit note, and a rebuild from the log equal to the live table', async () => {
      const { tenant: { id: tenant } } = await t.ledger.tenants.create('Failing');
      await t.deliver(
        fixtureEvent(shape, 'payment_intent.payment_failed', 'payment_intent', {
          id: `pi_fail_${shape}`,
          metadata: { tenant_id: tenant },
          amount: 2_000,
          currency: 'eur',
          latest_charge: `ch_fail_${shape}`,
          last_payment_error: { type: 'card_error', code: 'card_declined', decline_code: 'generic_decline', message: 'Your card was declined.', charge: `ch_fail_${shape}` },
        }, { id: `evt_fail_${shape}`, created: T0 + 10 }),
      );
      await t.deliver(fixtureEvent(shape, 'credit_note.created', 'credit_note', { id: `cn_${shape}`, metadata: { tenant_id: tenant }, created: T0 + 20 }, { id: `evt_cn_${shape}`, created: T0 + 20 }));
      await t.project();
      expect((await movements(tenant)).map((m) => m.slice(0, 5))).to.deep.equal([
        ['failed_payment', 'failed', 2_000, 0, 'EUR'],
        ['credit_note', 'issued', 1_690, 0, 'USD'],
      ]);
      const before = (await t.database.pool.query('select * from money_movements order by id')).rows;
      const report = await rebuildProjection(t.ledger.store, t.ledger.database.db, projectionByName('money_movements'), t.ledger.projectionContext);
      expect(report.equal).to.equal(true);
      expect((await t.database.pool.query('select * from money_movements order by id')).rows).to.deep.equal(before);
    });
  });
}
