import { expect } from 'chai';
import { randomUUID } from 'node:crypto';
import { gunzipSync } from 'node:zlib';
import { eventIdForStripeEvent } from '../../domain/ids.ts';
import type { NewEvent, Json } from '../../domain/ports/event-store.ts';
import { translateStripeEvent } from '../../domain/stripe/translate.ts';
import { startEsdbDouble, type EsdbDouble } from '../../scripts/esdb-double/server.ts';
import { syntheticStripeEvent } from '../../scripts/lib/synthetic-stripe-events.ts';
import { readStripeEvent } from '../../src/webhooks/read-stripe-event.ts';
import { testStoreKind } from '../support/database.ts';
import { paidInvoiceEvent } from '../support/invoice-events.ts';
import { fixtureEvent } from '../support/stripe-fixtures.ts';
import { startTestLedger, type TestLedger } from '../support/test-ledger.ts';

const stripeEventIdOf = (metadata: unknown) => (metadata as { stripeEventId?: string }).stripeEventId;

/**
 * The ledger with its log in EventStoreDB (the in-repo wire double, whose recent-events cache is
 * made small so that the server has long forgotten an id when Stripe redelivers it, as a real
 * node has after a restart or a busy day) and everything else in Postgres.
 */
describe(`the ledger on EventStoreDB (wire double; read models ${testStoreKind})`, function () {
  this.timeout(180_000);
  let double: EsdbDouble;
  let t: TestLedger;
  let acme: { id: string; apiKey: string };
  let n = 0;

  before(async () => {
    double = await startEsdbDouble({ idempotencyCacheSize: 1_000, maxAppendBytes: 64 * 1024 });
    t = await startTestLedger({ EVENTSTORE_CONNECTION_STRING: double.connectionString });
    const created = await t.ledger.tenants.create('Acme');
    acme = { id: created.tenant.id, apiKey: created.apiKey };
  });
  after(async () => {
    await t?.close();
    await double?.stop();
  });

  const payments = async () => {
    const res = await t.get('/api/v1/billing/payments?limit=100', acme.apiKey);
    expect(res.status, JSON.stringify(res.json)).to.equal(200);
    return res.json.payments as Record<string, unknown>[];
  };

  /** Other tenants' events straight into the log, many per append: the redelivery's distance. */
  const appendOtherEvents = async (count: number) => {
    const tenant = randomUUID();
    for (let i = 0; i < count; i += 20) {
      const events: NewEvent[] = [];
      for (let j = i; j < Math.min(count, i + 20); j++) {
        const read = readStripeEvent(syntheticStripeEvent(tenant, j).body);
        if (!read.ok) throw new Error(read.detail);
        const event = translateStripeEvent(read.envelope, tenant);
        events.push({ id: eventIdForStripeEvent(read.envelope.id), type: event.type, data: event.data as unknown as Json, metadata: { stripeEventId: read.envelope.id } });
      }
      await t.ledger.store.append(`tenant-${tenant}`, events);
    }
  };

  it('keeps its log in EventStoreDB and its read models in Postgres', async () => {
    const event = paidInvoiceEvent('current', { evt: `evt_esdb_${n++}`, invoice: 'in_esdb_1', tenant: acme.id, amount: 14900, currency: 'usd', paidAt: 1_767_225_600 });
    expect((await t.deliver(event)).json).to.deep.equal({ received: true, duplicate: false, routed: true });
    expect((await t.database.pool.query('select count(*)::int as n from events')).rows[0].n).to.equal(0);
    const stored = await t.ledger.store.readStream(`tenant-${acme.id}`);
    expect(stored.map((e) => stripeEventIdOf(e.metadata))).to.include(event.id);
    await t.project();
    expect((await payments()).map((p) => p.invoice_id)).to.include('in_esdb_1');
  });

  it('a redelivery after 10,000 other events changes no read model and lands in no second tenant', async () => {
    // An invoice routed by its customer's link to U, while it names T, who does not exist yet.
    const linked = (await t.ledger.tenants.create('U')).tenant.id;
    const named = randomUUID();
    const event = paidInvoiceEvent('current', { evt: `evt_esdb_late_${n++}`, invoice: 'in_esdb_late', tenant: named, amount: 4200, currency: 'eur', paidAt: 1_767_312_000 });
    const customer = (event.data.object as { customer: string }).customer;
    const checkout = fixtureEvent('current', 'checkout.session.completed', 'checkout.session', { customer, client_reference_id: linked, metadata: {} }, { id: `evt_esdb_checkout_${n++}` });
    expect((await t.deliver(checkout)).json).to.include({ routed: true, duplicate: false });
    await t.project();
    expect((await t.deliver(event)).json).to.deep.equal({ received: true, duplicate: false, routed: true });
    await t.project();
    const paymentsOfU = async () => (await t.database.pool.query('select * from payments where tenant_id = $1 order by stripe_invoice_id', [linked])).rows;
    const before = await paymentsOfU();
    expect(before.map((p) => p.stripe_invoice_id)).to.deep.equal(['in_esdb_late']);

    await appendOtherEvents(10_000);
    // T appears: routing would now send the event to T.
    await t.database.pool.query(`insert into tenants (id, name, api_key_hash, api_key_prefix) values ($1, 'T', $2, 'lk_t')`, [named, `h-${named}`]);
    const again = await t.deliver(event);
    expect(again.status).to.equal(200);
    expect(again.json).to.include({ duplicate: true });
    await t.project();

    expect(await t.ledger.store.readStream(`tenant-${named}`)).to.deep.equal([]);
    expect((await t.ledger.store.readStream(`tenant-${linked}`)).filter((e) => stripeEventIdOf(e.metadata) === event.id)).to.have.length(1);
    expect(await paymentsOfU()).to.deep.equal(before);
    expect((await t.database.pool.query('select count(*)::int as n from payments where tenant_id = $1', [named])).rows[0].n).to.equal(0);
  });

  it('stores an event over the server’s append limit without its Stripe object, gzipped beside it, and answers 200', async () => {
    const event = paidInvoiceEvent('current', { evt: `evt_esdb_big_${n++}`, invoice: 'in_esdb_big', tenant: acme.id, amount: 99900, currency: 'usd', paidAt: 1_767_398_400 });
    const lines = Array.from({ length: 300 }, (_, i) => ({ id: `il_${i}`, object: 'line_item', amount: 333, description: `Seat ${i} ${'·'.repeat(200)}` }));
    Object.assign(event.data.object, { lines: { object: 'list', data: lines, has_more: false } });
    expect(JSON.stringify(event).length).to.be.above(64 * 1024);

    const first = await t.deliver(event);
    expect(first.status, JSON.stringify(first.json)).to.equal(200);
    expect(first.json).to.include({ duplicate: false, routed: true });
    expect((await t.deliver(event)).json).to.include({ duplicate: true });
    const [stored] = (await t.ledger.store.readStream(`tenant-${acme.id}`)).filter((e) => stripeEventIdOf(e.metadata) === event.id);
    const oversize = stored!.metadata.oversize as { bytes: number; limit: number; objectSha256: string; objectGzipBase64: string };
    expect(oversize.limit).to.equal(64 * 1024);
    expect(oversize.bytes).to.be.above(oversize.limit);
    // The object as the ledger keeps any (card data cut), whole.
    expect(JSON.parse(gunzipSync(Buffer.from(oversize.objectGzipBase64, 'base64')).toString())).to.deep.equal(translateStripeEvent(event, acme.id).data.stripe.object);
    expect(t.logs.find((line) => line.msg === 'webhook' && line.stripeEventId === event.id)).to.include({ level: 40, outcome: 'appended' });

    await t.project();
    expect((await payments()).find((p) => p.invoice_id === 'in_esdb_big')).to.include({ amount: '999.00' });
  });
});
