import { expect } from 'chai';
import { fixtureEvent, FIXTURE_SHAPES } from '../support/stripe-fixtures.ts';
import { paidInvoiceEvent } from '../support/invoice-events.ts';
import { startTestLedger, type TestLedger } from '../support/test-ledger.ts';

const T0 = 1_767_225_600;

for (const shape of FIXTURE_SHAPES) {
  describe(`payments projection (${shape} shape)`, function () {
    let t: TestLedger;
    let tenant: string;
    let apiKey: string;
    before(async () => {
      t = await startTestLedger();
    });
    after(() => t.close());
    // A tenant of its own for each test: the payments it reads are the ones it delivered.
    beforeEach(async () => {
      ({ tenant: { id: tenant }, apiKey } = await t.ledger.tenants.create('Payer'));
    });

    const payments = async () => (await t.get('/api/v1/billing/payments', apiKey)).json.payments as Record<string, unknown>[];

    it('reports USD and JPY amounts in minor units and as decimals by the currency exponent', async () => {
      await t.deliver(paidInvoiceEvent(shape, { evt: `evt_usd_${shape}`, invoice: `in_usd_${shape}`, tenant, amount: 14900, currency: 'usd', paidAt: T0 }));
      await t.deliver(paidInvoiceEvent(shape, { evt: `evt_jpy_${shape}`, invoice: `in_jpy_${shape}`, tenant, amount: 14900, currency: 'jpy', paidAt: T0 + 60 }));
      await t.project();
      const [jpy, usd] = await payments();
      expect(jpy).to.include({ amount: '14900', amount_minor: 14900, currency: 'JPY', invoice_id: `in_jpy_${shape}`, status: 'succeeded' });
      expect(usd).to.include({ amount: '149.00', amount_minor: 14900, currency: 'USD', invoice_id: `in_usd_${shape}` });
      expect(usd?.created).to.equal(new Date(T0 * 1000).toISOString());
      expect(usd?.receipt_url).to.equal(`https://invoice.stripe.com/i/in_usd_${shape}`);
    });

    it('marks test-mode and live-mode payments apart', async () => {
      await t.deliver(paidInvoiceEvent(shape, { evt: `evt_test_${shape}`, invoice: `in_test_${shape}`, tenant, amount: 100, currency: 'usd', paidAt: T0 + 80 }));
      await t.deliver({ ...paidInvoiceEvent(shape, { evt: `evt_live_${shape}`, invoice: `in_live_${shape}`, tenant, amount: 100, currency: 'usd', paidAt: T0 + 90 }), livemode: true });
      await t.project();
      const all = await payments();
      expect(all.find((p) => p.invoice_id === `in_live_${shape}`)).to.include({ livemode: true });
      expect(all.find((p) => p.invoice_id === `in_test_${shape}`)).to.include({ livemode: false });
    });

    it('counts a redelivered invoice.paid once', async () => {
      const event = paidInvoiceEvent(shape, { evt: `evt_dup_${shape}`, invoice: `in_dup_${shape}`, tenant, amount: 500, currency: 'usd', paidAt: T0 + 120 });
      await t.deliver(event);
      await t.deliver(event);
      // A second, distinct invoice.paid event for the same invoice (Stripe can send both) is still one payment.
      await t.deliver({ ...event, id: `evt_dup2_${shape}` });
      await t.project();
      expect((await payments()).filter((p) => p.invoice_id === `in_dup_${shape}`)).to.have.length(1);
    });

    it('reduces the net amount by refunds, whichever arrives first', async () => {
      const pi = `pi_refund_${shape}`;
      const invoice = `in_refund_${shape}`;
      const refund = fixtureEvent(
        shape,
        'charge.refunded',
        'charge',
        { id: `ch_${shape}`, payment_intent: pi, amount: 14900, amount_refunded: 4900, refunded: false, currency: 'usd', metadata: { tenant_id: tenant }, ...(shape === '2023-10' ? { invoice } : {}) },
        { id: `evt_refund_${shape}`, created: T0 + 300 },
      );
      await t.deliver(refund);
      await t.project();
      if (shape === 'current') {
        // Current API versions link the invoice to its payment intent in invoice_payment.paid.
        await t.deliver(
          fixtureEvent(shape, 'invoice_payment.paid', 'invoice_payment', { invoice, currency: 'usd', payment: { type: 'payment_intent', payment_intent: pi }, amount_paid: 14900 }, { id: `evt_ip_${shape}`, created: T0 + 200 }),
        );
      }
      await t.deliver(paidInvoiceEvent(shape, { evt: `evt_paid_r_${shape}`, invoice, tenant, amount: 14900, currency: 'usd', paidAt: T0 + 200, paymentIntent: pi }));
      await t.project();
      const payment = (await payments()).find((p) => p.invoice_id === invoice);
      expect(payment).to.include({ amount_minor: 14900, amount_refunded_minor: 4900, net_amount_minor: 10000, net_amount: '100.00', status: 'partially_refunded' });

      // A later, fuller refund of the same charge that names neither intent nor invoice still counts.
      await t.deliver(
        fixtureEvent(shape, 'charge.refunded', 'charge', { id: `ch_${shape}`, payment_intent: null, invoice: null, amount: 14900, amount_refunded: 14900, refunded: true, currency: 'usd', metadata: { tenant_id: tenant } }, { id: `evt_refund2_${shape}`, created: T0 + 400 }),
      );
      await t.project();
      const after = (await payments()).find((p) => p.invoice_id === invoice);
      expect(after).to.include({ amount_refunded_minor: 14900, net_amount_minor: 0, status: 'refunded' });
    });
  });
}
