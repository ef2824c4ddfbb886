import { expect } from 'chai';
import { projectionByName } from '../../projections/all.ts';
import { rebuildProjection } from '../../src/workers/rebuild.ts';
import { customerDefaultEvent, paymentMethodAttachedEvent } from '../support/payment-method-events.ts';
import { FIXTURE_SHAPES } from '../support/stripe-fixtures.ts';
import { startTestLedger, type TestLedger } from '../support/test-ledger.ts';

const T0 = 1_767_225_600;

for (const shape of FIXTURE_SHAPES) {
  describe(`payment methods projection (${shape} shape)`, function () {
    this.timeout(60_000);
    let t: TestLedger;
    let tenant: string;
    let apiKey: string;
    let customer: string;
    before(async () => {
      t = await startTestLedger();
    });
    after(() => t.close());
    // A tenant and customer of its own for each test.
    beforeEach(async () => {
      ({ tenant: { id: tenant }, apiKey } = await t.ledger.tenants.create('Card holder'));
      customer = `cus_${tenant.slice(0, 8)}`;
    });

    const methods = async () => (await t.get('/api/v1/billing/payment-methods', apiKey)).json.payment_methods as Record<string, unknown>[];
    const attach = (pm: string, created: number, card: { brand?: string; last4?: string; expMonth?: number; expYear?: number } = {}) =>
      paymentMethodAttachedEvent(shape, { evt: `evt_att_${pm}_${created}`, paymentMethod: pm, customer, tenant, created, ...card });
    const setDefault = (pm: string | null, created: number) => customerDefaultEvent(shape, { evt: `evt_cus_${customer}_${created}`, customer, tenant, created, defaultPaymentMethod: pm });

    it('lists brand, last 4 and expiry of an attached card, and no other card data', async () => {
      await t.deliver(attach(`pm_a_${shape}`, T0, { brand: 'mastercard', last4: '4444', expMonth: 12, expYear: 2031 }));
      await t.project();
      expect(await methods()).to.deep.equal([{ id: `pm_a_${shape}`, type: 'card', brand: 'mastercard', last4: '4444', exp_month: 12, exp_year: 2031, default: false, livemode: false }]);
      const { rows } = await t.database.pool.query('select * from payment_methods where tenant_id = $1', [tenant]);
      expect(Object.keys(rows[0]).sort()).to.deep.equal(['brand', 'exp_month', 'exp_year', 'last4', 'last_event_created', 'livemode', 'stripe_customer_id', 'stripe_payment_method_id', 'tenant_id', 'type']);
      expect(JSON.stringify(rows)).not.to.match(/fingerprint|"country"|funding/);
    });

    it("marks the customer's default for invoices, the default first, whichever event arrives first", async () => {
      // The customer names its default before the card's attach event arrives.
      await t.deliver(setDefault(`pm_d2_${shape}`, T0 + 20));
      await t.deliver(attach(`pm_d1_${shape}`, T0));
      await t.project();
      await t.deliver(attach(`pm_d2_${shape}`, T0 + 10, { last4: '1881' }));
      await t.project();
      expect((await methods()).map((m) => [m.id, m.default])).to.deep.equal([
        [`pm_d2_${shape}`, true],
        [`pm_d1_${shape}`, false],
      ]);
      // The default changes to the other card.
      await t.deliver(setDefault(`pm_d1_${shape}`, T0 + 30));
      await t.project();
      expect((await methods()).map((m) => [m.id, m.default])).to.deep.equal([
        [`pm_d1_${shape}`, true],
        [`pm_d2_${shape}`, false],
      ]);
    });

    it('ignores an older customer.updated that arrives after a newer one', async () => {
      await t.deliver(attach(`pm_o1_${shape}`, T0));
      await t.deliver(attach(`pm_o2_${shape}`, T0 + 1));
      await t.deliver(setDefault(`pm_o2_${shape}`, T0 + 100));
      await t.deliver(setDefault(`pm_o1_${shape}`, T0 + 50));
      await t.project();
      expect((await methods()).find((m) => m.default === true)).to.include({ id: `pm_o2_${shape}` });
      // A default removed later leaves none.
      await t.deliver(setDefault(null, T0 + 200));
      await t.project();
      expect((await methods()).filter((m) => m.default === true)).to.deep.equal([]);
    });

    it('lists a redelivered or re-sent attach once, with the newest card details', async () => {
      const event = attach(`pm_dup_${shape}`, T0 + 10, { expYear: 2031 });
      await t.deliver(event);
      await t.deliver(event);
      await t.deliver(attach(`pm_dup_${shape}`, T0 + 5, { expYear: 2029 }));
      await t.project();
      const all = await methods();
      expect(all).to.have.length(1);
      expect(all[0]).to.include({ exp_year: 2031 });
    });

    it('rebuilds from the log into tables equal to the live ones', async () => {
      await t.deliver(setDefault(`pm_rb_${shape}`, T0 + 20));
      await t.deliver(attach(`pm_rb_${shape}`, T0));
      await t.project();
      const report = await rebuildProjection(t.ledger.store, t.ledger.database.db, projectionByName('payment_methods'), t.ledger.projectionContext);
      expect(report.equal).to.equal(true);
      expect((await methods()).map((m) => [m.id, m.default])).to.deep.equal([[`pm_rb_${shape}`, true]]);
    });
  });
}
