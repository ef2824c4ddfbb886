import { expect } from 'chai';
import type { StripeEventEnvelope } from '../../domain/stripe/envelope.ts';
import { paidInvoiceEvent } from '../support/invoice-events.ts';
import { fixtureEvent, FIXTURE_SHAPES } from '../support/stripe-fixtures.ts';
import { startTestLedger, type TestLedger } from '../support/test-ledger.ts';

const T0 = 1_767_225_600;

/**
 * A real dispute names no customer and no tenant, only its charge and payment intent: it reaches
 * its tenant through an earlier event of that tenant naming the same charge or payment intent.
 */
for (const shape of FIXTURE_SHAPES) {
  describe(`dispute routing by its charge (${shape} shape)`, function () {
    this.timeout(120_000);
    let t: TestLedger;
    let n = 0;
    before(async () => {
      t = await startTestLedger();
    });
    after(() => t?.close());

    const newTenant = async () => (await t.ledger.tenants.create(`Disputed ${n++}`)).tenant.id;
    const stripeEventIds = async (stream: string) => (await t.ledger.store.readStream(stream)).map((e) => (e.metadata as { stripeEventId: string }).stripeEventId);
    const disputeMovements = async (tenant: string) =>
      (await t.database.pool.query("select kind, stripe_charge_id from money_movements where tenant_id = $1 and kind like 'dispute%' order by kind", [tenant])).rows.map((r) => [r.kind, r.stripe_charge_id]);

    /**
     * The tenant's invoice paid by `charge` through `paymentIntent`, as its API version tells it:
     * on the invoice itself (2023-10-16), or in a separate invoice_payment.paid (current).
     */
    const paidInvoice = (tenant: string, ids: { invoice: string; charge: string; paymentIntent: string }): StripeEventEnvelope[] => {
      const paid = paidInvoiceEvent(shape, { evt: `evt_paid_${ids.invoice}`, invoice: ids.invoice, tenant, amount: 14_900, currency: 'usd', paidAt: T0, paymentIntent: ids.paymentIntent });
      if (shape === '2023-10') {
        (paid.data.object as Record<string, unknown>).charge = ids.charge;
        return [paid];
      }
      const payment = fixtureEvent(shape, 'invoice_payment.paid', 'invoice_payment', {
        id: `inpay_${ids.invoice}`,
        invoice: ids.invoice,
        payment: { type: 'payment_intent', payment_intent: ids.paymentIntent, charge: ids.charge },
        amount_paid: 14_900,
        currency: 'usd',
      }, { id: `evt_inpay_${ids.invoice}`, created: T0 });
      return [paid, payment];
    };

    /** As Stripe sends it: no customer, no metadata, the charge (and maybe its payment intent). */
    const dispute = (type: string, o: { id: string; charge: string; paymentIntent?: string | null; status: string; created: number }) =>
      fixtureEvent(shape, type, 'dispute', {
        id: o.id,
        charge: o.charge,
        payment_intent: o.paymentIntent ?? null,
        amount: 10_000,
        currency: 'usd',
        status: o.status,
        created: T0 + 200,
        metadata: {},
        balance_transactions: [{ id: `txn_${o.id}`, object: 'balance_transaction', fee: 1_500 }],
      }, { id: `evt_${type}_${o.id}`, created: o.created });

    const deliverAll = async (events: StripeEventEnvelope[]) => {
      for (const event of events) expect((await t.deliver(event)).status).to.equal(200);
    };

    it("a dispute on the charge of the tenant's paid invoice reaches the tenant's stream and money_movements", async () => {
      const tenant = await newTenant();
      const id = `${shape}_invoice`;
      const charge = `ch_${id}`;
      await deliverAll(paidInvoice(tenant, { invoice: `in_${id}`, charge, paymentIntent: `pi_${id}` }));
      await t.project();

      const opened = dispute('charge.dispute.created', { id: `dp_${id}`, charge, status: 'needs_response', created: T0 + 200 });
      const lost = dispute('charge.dispute.closed', { id: `dp_${id}`, charge, status: 'lost', created: T0 + 300 });
      expect((await t.deliver(opened)).json).to.include({ routed: true });
      expect((await t.deliver(lost)).json).to.include({ routed: true });
      await t.project();

      expect(await stripeEventIds(`tenant-${tenant}`)).to.include.members([opened.id, lost.id]);
      expect(await disputeMovements(tenant)).to.deep.equal([
        ['dispute_lost', charge],
        ['dispute_opened', charge],
      ]);
    });

    it("a dispute naming only a payment intent the tenant's invoice was paid through is routed", async () => {
      const tenant = await newTenant();
      const id = `${shape}_intent_only`;
      await deliverAll(paidInvoice(tenant, { invoice: `in_${id}`, charge: `ch_${id}`, paymentIntent: `pi_${id}` }));
      await t.project();
      // A charge the ledger never saw (a retry's), on the invoice's payment intent.
      const opened = dispute('charge.dispute.created', { id: `dp_${id}`, charge: `ch_retry_${id}`, paymentIntent: `pi_${id}`, status: 'needs_response', created: T0 + 200 });
      expect((await t.deliver(opened)).json).to.include({ routed: true });
      expect(await stripeEventIds(`tenant-${tenant}`)).to.include(opened.id);
    });

    it("a dispute on a charge that a charge.succeeded or payment_intent.succeeded of the tenant's customer named is routed", async () => {
      const tenant = await newTenant();
      const id = `${shape}_customer`;
      const customer = `cus_${id}`;
      const checkout = fixtureEvent(shape, 'checkout.session.completed', 'checkout.session', { customer, client_reference_id: tenant, metadata: {} }, { id: `evt_checkout_${id}` });
      const succeeded = fixtureEvent(shape, 'charge.succeeded', 'charge', { id: `ch_a_${id}`, customer, payment_intent: `pi_a_${id}`, metadata: {} }, { id: `evt_charge_${id}` });
      const intent = fixtureEvent(shape, 'payment_intent.succeeded', 'payment_intent', {
        id: `pi_b_${id}`,
        customer,
        status: 'succeeded',
        latest_charge: `ch_b_${id}`,
        last_payment_error: null,
        metadata: {},
      }, { id: `evt_pi_${id}` });
      await deliverAll([checkout, succeeded, intent]);
      await t.project();

      const onCharge = dispute('charge.dispute.created', { id: `dp_a_${id}`, charge: `ch_a_${id}`, status: 'needs_response', created: T0 + 200 });
      const onIntent = dispute('charge.dispute.created', { id: `dp_b_${id}`, charge: `ch_b_${id}`, status: 'needs_response', created: T0 + 200 });
      // Not modelled, but recorded: it reaches the tenant by the same charge.
      const withdrawn = dispute('charge.dispute.funds_withdrawn', { id: `dp_a_${id}`, charge: `ch_a_${id}`, status: 'needs_response', created: T0 + 210 });
      for (const event of [onCharge, onIntent, withdrawn]) expect((await t.deliver(event)).json, event.type).to.include({ routed: true });
      expect(await stripeEventIds(`tenant-${tenant}`)).to.include.members([onCharge.id, onIntent.id, withdrawn.id]);
    });

    it('a charge.refunded without a customer reaches its tenant through its payment intent', async () => {
      const tenant = await newTenant();
      const id = `${shape}_refund`;
      await deliverAll(paidInvoice(tenant, { invoice: `in_${id}`, charge: `ch_${id}`, paymentIntent: `pi_${id}` }));
      await t.project();
      // Another charge of the same payment intent, the first having failed.
      const refund = fixtureEvent(shape, 'charge.refunded', 'charge', {
        id: `ch_second_${id}`,
        customer: null,
        payment_intent: `pi_${id}`,
        invoice: undefined,
        amount: 14_900,
        amount_refunded: 14_900,
        refunded: true,
        currency: 'usd',
        metadata: {},
      }, { id: `evt_refund_${id}` });
      expect((await t.deliver(refund)).json).to.include({ routed: true });
    });

    it('a dispute that arrives before its charge is known waits in `unrouted` and is moved once the charge is', async () => {
      const tenant = await newTenant();
      const id = `${shape}_early`;
      const charge = `ch_${id}`;
      const opened = dispute('charge.dispute.created', { id: `dp_${id}`, charge, status: 'needs_response', created: T0 + 200 });
      expect((await t.deliver(opened)).json).to.include({ routed: false });
      await t.project();
      expect(await stripeEventIds('unrouted')).to.include(opened.id);
      expect((await t.ledger.routing.parked()).map((p) => p.stripeEventId)).to.include(opened.id);

      await deliverAll(paidInvoice(tenant, { invoice: `in_${id}`, charge, paymentIntent: `pi_${id}` }));
      await t.project();

      expect((await stripeEventIds(`tenant-${tenant}`)).filter((e) => e === opened.id)).to.have.length(1);
      expect((await t.ledger.routing.parked()).map((p) => p.stripeEventId)).not.to.include(opened.id);
      expect(await disputeMovements(tenant)).to.deep.equal([['dispute_opened', charge]]);
    });

    it('a dispute on a charge no tenant named stays in `unrouted`, listed with the charge and payment intent it waits for', async () => {
      const id = `${shape}_unknown`;
      const opened = dispute('charge.dispute.created', { id: `dp_${id}`, charge: `ch_${id}`, paymentIntent: `pi_${id}`, status: 'needs_response', created: T0 + 200 });
      expect((await t.deliver(opened)).json).to.include({ routed: false });
      await t.project();
      const parked = (await t.ledger.routing.parked()).find((p) => p.stripeEventId === opened.id);
      expect(parked).to.deep.include({ stripeType: 'charge.dispute.created', stripeCustomerId: null, stripeChargeId: `ch_${id}`, stripePaymentIntentId: `pi_${id}` });
    });
  });
}
