import { expect } from 'chai';
import { randomUUID } from 'node:crypto';
import { paidInvoiceEvent } from '../support/invoice-events.ts';
import { FIXTURE_SHAPES, fixtureEvent } from '../support/stripe-fixtures.ts';
import { startTestLedger, type TestLedger } from '../support/test-ledger.ts';

const stripeEventIdOf = (metadata: unknown) => (metadata as { stripeEventId?: string }).stripeEventId;

/**
 * A Stripe event is recorded in one tenant stream at most: a redelivery is a duplicate wherever
 * the first copy went, even when routing would now send it elsewhere.
 */
describe('webhook ingest: one Stripe event, one tenant', function () {
  let t: TestLedger;
  let n = 0;

  before(async () => {
    t = await startTestLedger();
  });
  after(() => t?.close());

  for (const shape of FIXTURE_SHAPES) {
    it(`keeps an event routed by its customer to U out of T when T, named in its metadata, appears later (${shape})`, async () => {
      const linked = (await t.ledger.tenants.create('U')).tenant.id;
      const named = randomUUID(); // tenant T: named by the invoice, not created yet
      const event = paidInvoiceEvent(shape, {
        evt: `evt_one_tenant_${Date.now()}_${n++}`,
        invoice: `in_one_tenant_${n}`,
        tenant: named,
        amount: 14900,
        currency: 'usd',
        paidAt: 1735027200,
      });
      const customer = (event.data.object as { customer: string }).customer;

      // A checkout links the invoice's customer to U.
      const checkout = fixtureEvent(shape, 'checkout.session.completed', 'checkout.session', {
        customer,
        client_reference_id: linked,
        metadata: {},
      }, { id: `evt_one_tenant_checkout_${n++}` });
      expect((await t.deliver(checkout)).json).to.include({ routed: true, duplicate: false });
      await t.project();

      // T does not exist yet: the customer's link routes the invoice to U.
      expect((await t.deliver(event)).json).to.deep.equal({ received: true, duplicate: false, routed: true });
      const inU = (await t.ledger.store.readStream(`tenant-${linked}`)).filter((e) => stripeEventIdOf(e.metadata) === event.id);
      expect(inU).to.have.length(1);

      await t.database.pool.query(`insert into tenants (id, name, api_key_hash, api_key_prefix) values ($1, 'T', $2, 'lk_t')`, [named, `h-${named}`]);
      const before = await t.eventCount();

      // Stripe redelivers: routing now names T, but the event is already in U's stream.
      const again = await t.deliver(event);
      expect(again.status).to.equal(200);
      expect(again.json).to.include({ duplicate: true });
      expect(await t.eventCount()).to.equal(before);
      await t.project();
      expect(await t.ledger.store.readStream(`tenant-${named}`)).to.deep.equal([]);
      expect((await t.ledger.store.readStream(`tenant-${linked}`)).filter((e) => stripeEventIdOf(e.metadata) === event.id)).to.have.length(1);
    });
  }
});
