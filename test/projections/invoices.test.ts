import { expect } from 'chai';
import { projectionByName } from '../../projections/all.ts';
import { rebuildProjection } from '../../src/workers/rebuild.ts';
import { invoiceEvent } from '../support/invoice-events.ts';
import { FIXTURE_SHAPES } from '../support/stripe-fixtures.ts';
import { startTestLedger, type TestLedger } from '../support/test-ledger.ts';

const T0 = 1_767_225_600;
const MONTH = 30 * 86_400;

for (const shape of FIXTURE_SHAPES) {
  describe(`invoices projection (${shape} shape)`, function () {
    this.timeout(60_000);
    let t: TestLedger;
    let tenant: string;
    let apiKey: string;
    before(async () => {
      t = await startTestLedger();
    });
    after(() => t.close());
    // A tenant of its own for each test: the invoices it reads are the ones it delivered.
    beforeEach(async () => {
      ({ tenant: { id: tenant }, apiKey } = await t.ledger.tenants.create('Billed'));
    });

    const invoices = async () => (await t.get('/api/v1/billing/invoices?limit=100', apiKey)).json.invoices as Record<string, unknown>[];
    const failed = (o: { evt: string; invoice: string; created: number; amount?: number; currency?: string }) =>
      invoiceEvent(shape, 'invoice.payment_failed', { status: 'open', amountDue: o.amount ?? 14900, amountPaid: 0, currency: o.currency ?? 'usd', tenant, number: `NR-${o.invoice}`, invoiceCreated: T0, period: { start: T0, end: T0 + MONTH }, ...o });
    const paid = (o: { evt: string; invoice: string; created: number; amount?: number; currency?: string }) =>
      invoiceEvent(shape, 'invoice.paid', { status: 'paid', amountDue: o.amount ?? 14900, amountPaid: o.amount ?? 14900, currency: o.currency ?? 'usd', tenant, number: `NR-${o.invoice}`, invoiceCreated: T0, period: { start: T0, end: T0 + MONTH }, paidAt: o.created, ...o });

    it('records number, amounts by currency exponent, status, period, hosted and PDF links', async () => {
      await t.deliver(failed({ evt: `evt_f_usd_${shape}`, invoice: `in_usd_${shape}`, created: T0 + 10 }));
      await t.deliver(paid({ evt: `evt_p_jpy_${shape}`, invoice: `in_jpy_${shape}`, created: T0 + 20, amount: 14900, currency: 'jpy' }));
      await t.project();
      const all = await invoices();
      const usd = all.find((i) => i.invoice_id === `in_usd_${shape}`);
      expect(usd).to.deep.include({
        number: `NR-in_usd_${shape}`,
        status: 'open',
        amount_due: '149.00',
        amount_due_minor: 14900,
        amount_paid: '0.00',
        amount_paid_minor: 0,
        amount_remaining: '149.00',
        amount_remaining_minor: 14900,
        currency: 'USD',
        period_start: new Date(T0 * 1000).toISOString(),
        period_end: new Date((T0 + MONTH) * 1000).toISOString(),
        hosted_invoice_url: `https://invoice.stripe.com/i/in_usd_${shape}`,
        invoice_pdf: `https://pay.stripe.com/invoice/in_usd_${shape}/pdf`,
        created: new Date(T0 * 1000).toISOString(),
        subscription_id: 'sub_1',
        livemode: false,
      });
      expect(all.find((i) => i.invoice_id === `in_jpy_${shape}`)).to.include({ status: 'paid', amount_paid: '14900', amount_paid_minor: 14900, amount_remaining: '0', currency: 'JPY' });
    });

    it('moves an invoice forward when it is paid after a failed attempt', async () => {
      await t.deliver(failed({ evt: `evt_f1_${shape}`, invoice: `in_fwd_${shape}`, created: T0 + 10 }));
      await t.project();
      expect((await invoices())[0]).to.include({ status: 'open', amount_remaining_minor: 14900 });
      await t.deliver(paid({ evt: `evt_p1_${shape}`, invoice: `in_fwd_${shape}`, created: T0 + 3600 }));
      await t.project();
      const all = await invoices();
      expect(all).to.have.length(1);
      expect(all[0]).to.include({ status: 'paid', amount_paid_minor: 14900, amount_remaining_minor: 0 });
    });

    it('does not regress a paid invoice when an older failure arrives late, in a later batch or the same one', async () => {
      await t.deliver(paid({ evt: `evt_p2_${shape}`, invoice: `in_late_${shape}`, created: T0 + 3600 }));
      await t.project();
      await t.deliver(failed({ evt: `evt_f2_${shape}`, invoice: `in_late_${shape}`, created: T0 + 10 }));
      await t.project();
      // Both in one batch, the older one last in the log.
      await t.deliver(paid({ evt: `evt_p3_${shape}`, invoice: `in_same_${shape}`, created: T0 + 3600 }));
      await t.deliver(failed({ evt: `evt_f3_${shape}`, invoice: `in_same_${shape}`, created: T0 + 10 }));
      // Stamped in the same second as the payment: the lifecycle, not the clock, decides.
      await t.deliver(paid({ evt: `evt_p4_${shape}`, invoice: `in_tie_${shape}`, created: T0 + 100 }));
      await t.deliver(failed({ evt: `evt_f4_${shape}`, invoice: `in_tie_${shape}`, created: T0 + 100 }));
      await t.project();
      const all = await invoices();
      expect(all.map((i) => [i.invoice_id, i.status, i.amount_paid_minor])).to.have.deep.members([
        [`in_late_${shape}`, 'paid', 14900],
        [`in_same_${shape}`, 'paid', 14900],
        [`in_tie_${shape}`, 'paid', 14900],
      ]);
    });

    it('keeps the newer of two snapshots at the same stage, whatever order they come in', async () => {
      await t.deliver(failed({ evt: `evt_new_${shape}`, invoice: `in_two_${shape}`, created: T0 + 7200, amount: 20000 }));
      await t.deliver(failed({ evt: `evt_old_${shape}`, invoice: `in_two_${shape}`, created: T0 + 10, amount: 14900 }));
      await t.project();
      expect((await invoices())[0]).to.include({ amount_due_minor: 20000 });
    });

    it('counts a redelivered event, and a second event for the same invoice, once', async () => {
      const event = paid({ evt: `evt_dup_${shape}`, invoice: `in_dup_${shape}`, created: T0 + 60 });
      await t.deliver(event);
      await t.deliver(event);
      await t.deliver({ ...event, id: `evt_dup2_${shape}` });
      await t.project();
      expect(await invoices()).to.have.length(1);
    });

    it('rebuilds from the log into tables equal to the live ones', async () => {
      await t.deliver(paid({ evt: `evt_rb_p_${shape}`, invoice: `in_rb_${shape}`, created: T0 + 3600 }));
      await t.deliver(failed({ evt: `evt_rb_f_${shape}`, invoice: `in_rb_${shape}`, created: T0 + 10 }));
      await t.project();
      const before = (await t.database.pool.query('select * from invoices order by id')).rows;
      const report = await rebuildProjection(t.ledger.store, t.ledger.database.db, projectionByName('invoices'), t.ledger.projectionContext);
      expect(report.equal).to.equal(true);
      expect((await t.database.pool.query('select * from invoices order by id')).rows).to.deep.equal(before);
    });
  });
}
