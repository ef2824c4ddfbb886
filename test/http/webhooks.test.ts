import { expect } from 'chai';
import pg from 'pg';
import { createPostgresEventStore } from '../../adapters/eventstore/postgres.ts';
import { signStripePayload } from '../../adapters/stripe/webhook-signature.ts';
import { buildHttpApp } from '../../src/http/app.ts';
import { createLogger } from '../../src/logger.ts';
import { createMetrics } from '../../src/metrics.ts';
import { fixtureEvent } from '../support/stripe-fixtures.ts';
import { startTestLedger, TEST_WEBHOOK_SECRET, type TestLedger } from '../support/test-ledger.ts';

describe('webhook ingest (POST /webhooks/stripe)', function () {
  let t: TestLedger;
  let tenantId: string;
  let n = 0;
  const evtId = () => `evt_ingest_${Date.now()}_${n++}`;

  before(async () => {
    t = await startTestLedger();
    tenantId = (await t.ledger.tenants.create('Acme')).tenant.id;
  });
  after(() => t.close());

  const paidInvoice = (id: string, tenant: string | null, customer = 'cus_ingest') =>
    fixtureEvent('2023-10', 'invoice.paid', 'invoice', {
      id: `in_${id}`,
      customer,
      status: 'paid',
      amount_paid: 14900,
      subscription_details: { metadata: tenant ? { tenant_id: tenant } : {} },
      metadata: {},
    }, { id });

  it('appends a verified event to its tenant stream and answers 200', async () => {
    const event = paidInvoice(evtId(), tenantId);
    const res = await t.deliver(event);
    expect(res.status).to.equal(200);
    expect(res.json).to.deep.equal({ received: true, duplicate: false, routed: true });
    const stream = await t.ledger.store.readStream(`tenant-${tenantId}`);
    const recorded = stream.find((e) => (e.metadata as { stripeEventId?: string }).stripeEventId === event.id);
    expect(recorded?.type).to.equal('InvoicePaid');
    const data = recorded!.data as { stripe: { eventId: string; type: string; apiVersion: string; livemode: boolean; created: number; object: { id: string } } };
    expect(data.stripe).to.include({ eventId: event.id, type: 'invoice.paid', apiVersion: '2023-10-16', livemode: false, created: event.created });
    expect(data.stripe.object.id).to.equal(event.data.object.id);
  });

  it('accepts the same delivery at /api/webhooks/stripe', async () => {
    const res = await t.deliver(paidInvoice(evtId(), tenantId), { path: '/api/webhooks/stripe' });
    expect(res.status).to.equal(200);
  });

  it('logs one line per webhook with event id, type, tenant, outcome and latency', async () => {
    const event = paidInvoice(evtId(), tenantId);
    await t.deliver(event);
    const line = t.logs.find((l) => l.stripeEventId === event.id);
    expect(line).to.include({ msg: 'webhook', type: 'invoice.paid', tenantId, outcome: 'appended' });
    expect(line?.latencyMs).to.be.a('number');
  });

  it('rejects a bad signature with 400, a security warning, and appends nothing', async () => {
    const before = await t.eventCount();
    const res = await t.deliver(paidInvoice(evtId(), tenantId), { secret: 'whsec_not_the_right_one' });
    expect(res.status).to.equal(400);
    expect((res.json.error as { code: string }).code).to.equal('invalid_signature');
    expect(await t.eventCount()).to.equal(before);
    const warning = t.logs.findLast((l) => l.security === true);
    expect(warning).to.include({ reason: 'no_matching_signature', level: 40 });
  });

  it('rejects a missing signature with 400', async () => {
    const res = await t.app.inject({ method: 'POST', url: '/webhooks/stripe', headers: { 'content-type': 'application/json' }, payload: '{}' });
    expect(res.statusCode).to.equal(400);
    expect(res.json().error.code).to.equal('invalid_signature');
  });

  it('rejects a timestamp older than 5 minutes', async () => {
    const before = await t.eventCount();
    const res = await t.deliver(paidInvoice(evtId(), tenantId), { timestamp: Math.floor(Date.now() / 1000) - 301 });
    expect(res.status).to.equal(400);
    expect((res.json.error as { message: string }).message).to.match(/timestamp outside tolerance/);
    expect(await t.eventCount()).to.equal(before);
  });

  it('accepts any of several configured secrets (rotation)', async () => {
    const rotated = await startTestLedger({ STRIPE_WEBHOOK_SIGNING_SECRET: `whsec_new_one,${TEST_WEBHOOK_SECRET}` });
    try {
      const res = await rotated.deliver(paidInvoice(evtId(), null));
      expect(res.status).to.equal(200);
      const wrong = await rotated.deliver(paidInvoice(evtId(), null), { secret: 'whsec_retired' });
      expect(wrong.status).to.equal(400);
    } finally {
      await rotated.close();
    }
  });

  it('answers a second delivery of the same event with duplicate: true and adds nothing', async () => {
    const event = paidInvoice(evtId(), tenantId);
    expect((await t.deliver(event)).json.duplicate).to.equal(false);
    const before = await t.eventCount();
    const again = await t.deliver(event);
    expect(again.status).to.equal(200);
    expect(again.json.duplicate).to.equal(true);
    expect(await t.eventCount()).to.equal(before);
    expect(t.logs.findLast((l) => l.stripeEventId === event.id)).to.include({ outcome: 'duplicate' });
  });

  it('parks an event of an unknown tenant in `unrouted` and re-routes it once a checkout links its customer', async () => {
    const customer = `cus_later_${n++}`;
    const parked = paidInvoice(evtId(), null, customer);
    const res = await t.deliver(parked);
    expect(res.json).to.include({ routed: false, duplicate: false });
    const unrouted = await t.ledger.store.readStream('unrouted');
    expect(unrouted.map((e) => (e.metadata as { stripeEventId: string }).stripeEventId)).to.include(parked.id);

    const checkout = fixtureEvent('2023-10', 'checkout.session.completed', 'checkout.session', {
      customer,
      client_reference_id: tenantId,
      metadata: {},
    }, { id: evtId() });
    expect((await t.deliver(checkout)).json.routed).to.equal(true);
    await t.project();

    const stream = await t.ledger.store.readStream(`tenant-${tenantId}`);
    const copies = stream.filter((e) => (e.metadata as { stripeEventId: string }).stripeEventId === parked.id);
    expect(copies).to.have.length(1);
    expect((copies[0]!.data as { tenantId: string }).tenantId).to.equal(tenantId);
    expect((await t.ledger.routing.parked()).map((p) => p.stripeEventId)).not.to.include(parked.id);

    // Stripe redelivers the parked event now that its customer is known: still counted once.
    expect((await t.deliver(parked)).json).to.include({ duplicate: true, routed: true });
  });

  it('parks an event naming a tenant id that does not exist yet, and re-routes it when the tenant appears', async () => {
    const ghost = '00000000-0000-4000-8000-00000000abcd';
    const event = paidInvoice(evtId(), ghost, `cus_ghost_${n++}`);
    expect((await t.deliver(event)).json.routed).to.equal(false);
    await t.project();
    expect((await t.ledger.routing.parked()).map((p) => p.hintedTenantId)).to.include(ghost);
    await t.database.pool.query(`insert into tenants (id, name, api_key_hash, api_key_prefix) values ($1, 'Ghost', 'h-ghost', 'lk_x')`, [ghost]);
    await t.project();
    const stream = await t.ledger.store.readStream(`tenant-${ghost}`);
    expect(stream.map((e) => (e.metadata as { stripeEventId: string }).stripeEventId)).to.deep.equal([event.id]);
  });

  it('records a verified event of a type the ledger does not model', async () => {
    const event = fixtureEvent('current', 'dispute.created', 'dispute', { metadata: { tenant_id: tenantId } }, { id: evtId() });
    const res = await t.deliver(event);
    expect(res.status).to.equal(200);
    const [last] = await t.ledger.store.readStream(`tenant-${tenantId}`, { direction: 'backwards', limit: 1 });
    expect(last?.type).to.equal('StripeEventRecorded');
    expect(last?.data).to.deep.include({ reason: 'unmodelled_type' });
  });

  it('answers 413 to a body over 1 MiB and appends nothing', async () => {
    const before = await t.eventCount();
    const event = paidInvoice(evtId(), tenantId);
    const big = { ...event, data: { object: { ...event.data.object, description: 'x'.repeat(1024 * 1024) } } };
    const res = await t.deliver(big);
    expect(res.status).to.equal(413);
    expect((res.json.error as { code: string }).code).to.equal('payload_too_large');
    expect(await t.eventCount()).to.equal(before);
  });

  it('records a signed body it cannot read as an event (a v2 thin event), parked with the reason', async () => {
    const thin = { id: `evt_test_thin_${n++}`, object: 'v2.core.event', type: 'v1.billing.meter.error_report_triggered', created: '2024-09-17T06:20:52.246Z', livemode: false, related_object: { id: 'mtr_1', type: 'billing.meter' } };
    const res = await t.deliver(thin);
    expect(res.status).to.equal(200);
    expect(res.json).to.include({ duplicate: false, routed: false });
    const [last] = await t.ledger.store.readStream('unrouted', { direction: 'backwards', limit: 1 });
    expect(last?.type).to.equal('StripeEventRecorded');
    expect(last?.data).to.deep.include({ reason: 'invalid_envelope' });
    expect((last?.data as { stripe: { eventId: string; created: number } }).stripe).to.include({ eventId: thin.id, created: 1726554052 });
    expect((await t.deliver(thin)).json.duplicate).to.equal(true);
  });

  it('answers 400 to a signed body that is not a Stripe event', async () => {
    const res = await t.deliver({ hello: 'world' });
    expect(res.status).to.equal(400);
    expect((res.json.error as { code: string }).code).to.equal('invalid_payload');
  });

  it('answers 503 when the event store is down, so Stripe retries', async () => {
    const deadPool = new pg.Pool({ connectionString: 'postgres://postgres@127.0.0.1:1/none', connectionTimeoutMillis: 1000 });
    deadPool.on('error', () => {});
    const downStore = createPostgresEventStore(deadPool);
    const logs: string[] = [];
    const app = buildHttpApp({ ...t.ledger, store: downStore }, {
      logger: createLogger('info', { write: (line: string) => logs.push(line) } as unknown as NodeJS.WritableStream),
      webhookSecrets: [TEST_WEBHOOK_SECRET],
      metrics: createMetrics(),
    });
    try {
      const payload = JSON.stringify(paidInvoice(evtId(), tenantId));
      const res = await app.inject({
        method: 'POST',
        url: '/webhooks/stripe',
        headers: { 'content-type': 'application/json', 'stripe-signature': signStripePayload(payload, TEST_WEBHOOK_SECRET) },
        payload,
      });
      expect(res.statusCode).to.equal(503);
      expect(res.json().error.code).to.equal('store_unavailable');
      expect(logs.join('')).to.match(/"outcome":"failed"/);
      const ready = await app.inject({ method: 'GET', url: '/readyz' });
      expect(ready.statusCode).to.equal(503);
    } finally {
      await app.close();
      await downStore.close();
      await deadPool.end();
    }
  });

  /** One delivery of each outcome the metrics and the log are checked for: appended, duplicate, invalid signature. */
  const deliverEachOutcome = async () => {
    const event = paidInvoice(evtId(), tenantId);
    await t.deliver(event);
    await t.deliver(event);
    await t.deliver(paidInvoice(evtId(), tenantId), { secret: 'whsec_not_the_right_one' });
  };

  it('counts deliveries by outcome at GET /metrics', async () => {
    await deliverEachOutcome();
    const res = await t.app.inject({ method: 'GET', url: '/metrics' });
    expect(res.statusCode).to.equal(200);
    expect(res.body).to.match(/ledger_webhooks_total\{outcome="appended"\} [1-9]/);
    expect(res.body).to.match(/ledger_webhooks_total\{outcome="duplicate"\} [1-9]/);
    expect(res.body).to.match(/ledger_webhooks_total\{outcome="invalid_signature"\} [1-9]/);
    expect(res.body).to.include('ledger_webhook_duration_seconds_bucket');
  });

  it('never writes the signature or the secret to the log', async () => {
    await deliverEachOutcome();
    const text = JSON.stringify(t.logs);
    expect(text).not.to.include(TEST_WEBHOOK_SECRET);
    expect(text).not.to.match(/v1=[0-9a-f]{20}/);
  });
});
