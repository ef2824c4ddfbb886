import { expect } from 'chai';
import { parseDomainEvent } from '../../domain/events/catalogue.ts';
import type { RecordedEvent } from '../../domain/ports/event-store.ts';
import { signStripePayload } from '../../adapters/stripe/webhook-signature.ts';
import { paidInvoiceEvent } from '../support/invoice-events.ts';
import { startTestLedger, TEST_WEBHOOK_SECRET, type TestLedger } from '../support/test-ledger.ts';

const T0 = 1_767_225_600;

interface DeliveredBody {
  readonly reasons: string[];
  readonly base64: string;
}

/**
 * Signed bodies Postgres's jsonb cannot hold as they are (a NUL or a lone surrogate in a string
 * or a key) or that nest deeper than any Stripe object: each is answered 200 once, kept with the
 * bytes as delivered, and recorded with why; none gets the 503 that makes Stripe retry for days
 * and then drop it.
 */
describe('webhook ingest: bodies jsonb cannot store as delivered', function () {
  let t: TestLedger;
  let tenant: { id: string; key: string };
  let n = 0;

  before(async () => {
    t = await startTestLedger();
    const created = await t.ledger.tenants.create('Acme');
    tenant = { id: created.tenant.id, key: created.apiKey };
  });
  after(() => t.close());

  const invoicePaid = (description: string, extraObjectFields: Record<string, unknown> = {}) => {
    const i = n++;
    const event = paidInvoiceEvent('current', {
      evt: `evt_unstorable_${i}`,
      invoice: `in_unstorable_${i}`,
      tenant: tenant.id,
      amount: 14900 + i,
      currency: 'usd',
      paidAt: T0 + i,
      description,
    });
    return { ...event, data: { ...event.data, object: { ...event.data.object, ...extraObjectFields } } };
  };

  /** Delivers `payload` twice: the first is stored, the second is a duplicate. Returns the stored copy. */
  const deliverTwice = async (payload: string, stripeEventId: string, stream: string): Promise<RecordedEvent> => {
    const before = await t.eventCount();
    const first = await t.deliver(payload);
    expect(first.status, JSON.stringify(first.json)).to.equal(200);
    expect(first.json.duplicate).to.equal(false);
    const again = await t.deliver(payload);
    expect(again.status).to.equal(200);
    expect(again.json.duplicate).to.equal(true);
    expect(await t.eventCount()).to.equal(before + 1);
    const copies = (await t.ledger.store.readStream(stream)).filter((e) => (e.metadata as { stripeEventId?: string }).stripeEventId === stripeEventId);
    expect(copies).to.have.length(1);
    // Read back through the catalogue, as a projection reads it.
    parseDomainEvent(copies[0]!.type, copies[0]!.data);
    return copies[0]!;
  };

  const deliveredBody = (event: RecordedEvent) => event.metadata.deliveredBody as unknown as DeliveredBody;

  it('keeps an invoice.paid with a NUL in its description: routed, the payment shows, the bytes round-trip', async () => {
    const event = invoicePaid('Pro plan\u0000 for customer@example.com');
    const payload = JSON.stringify(event);
    const stored = await deliverTwice(payload, event.id, `tenant-${tenant.id}`);
    expect(stored.type).to.equal('InvoicePaid');
    expect(deliveredBody(stored).reasons).to.deep.equal(['nul_character']);
    expect(Buffer.from(deliveredBody(stored).base64, 'base64').toString('utf8')).to.equal(payload);
    expect((stored.data as { invoice: { description: string } }).invoice.description).to.equal('Pro plan\uFFFD for customer@example.com');

    await t.project();
    const payments = (await t.get('/api/v1/billing/payments?limit=100', tenant.key)).json.payments as { invoice_id: string; description: string; amount_minor: number }[];
    const payment = payments.find((p) => p.invoice_id === event.data.object.id);
    expect(payment).to.include({ description: 'Pro plan\uFFFD for customer@example.com', amount_minor: event.data.object.amount_paid });
  });

  it('keeps an event with a lone surrogate in a value', async () => {
    const event = invoicePaid('half an emoji: \ud83d');
    const payload = JSON.stringify(event);
    const stored = await deliverTwice(payload, event.id, `tenant-${tenant.id}`);
    expect(stored.type).to.equal('InvoicePaid');
    expect(deliveredBody(stored).reasons).to.deep.equal(['lone_surrogate']);
    expect(Buffer.from(deliveredBody(stored).base64, 'base64').toString('utf8')).to.equal(payload);
    expect((stored.data as { invoice: { description: string } }).invoice.description).to.equal('half an emoji: \uFFFD');
  });

  it('keeps an event with a lone surrogate in a key, and one with a NUL in a key', async () => {
    for (const [key, reason] of [['note\udc00', 'lone_surrogate'], ['note\u0000', 'nul_character']] as const) {
      const event = invoicePaid('keys', { metadata: { [key]: 'x' } });
      const payload = JSON.stringify(event);
      const stored = await deliverTwice(payload, event.id, `tenant-${tenant.id}`);
      expect(stored.type).to.equal('InvoicePaid');
      expect(deliveredBody(stored).reasons).to.deep.equal([reason]);
      expect(Buffer.from(deliveredBody(stored).base64, 'base64').toString('utf8')).to.equal(payload);
      expect((stored.data as { stripe: { object: { metadata: object } } }).stripe.object.metadata).to.deep.equal({ 'note\uFFFD': 'x' });
    }
  });

  it('parks an event nested 10,000 levels deep in `unrouted`, with the reason and the bytes as delivered', async () => {
    const event = invoicePaid('deep', { nested: '@DEEP@' });
    const depth = 10_000;
    const payload = JSON.stringify(event).replace('"@DEEP@"', `${'['.repeat(depth)}${']'.repeat(depth)}`);
    const stored = await deliverTwice(payload, event.id, 'unrouted');
    expect(stored.type).to.equal('StripeEventRecorded');
    expect(stored.data).to.deep.include({ reason: 'nesting_too_deep' });
    expect((stored.data as { stripe: { eventId: string; type: string } }).stripe).to.include({ eventId: event.id, type: 'invoice.paid' });
    expect(deliveredBody(stored).reasons).to.deep.equal(['nesting_too_deep']);
    expect(Buffer.from(deliveredBody(stored).base64, 'base64').toString('utf8')).to.equal(payload);
    await t.project();
  });

  it('parks a body of nearly 1 MiB nested half a million levels deep', async () => {
    const event = invoicePaid('deeper', { nested: '@DEEP@' });
    const depth = 500_000;
    const payload = JSON.stringify(event).replace('"@DEEP@"', `${'['.repeat(depth)}${']'.repeat(depth)}`);
    expect(Buffer.byteLength(payload)).to.be.below(1024 * 1024);
    const stored = await deliverTwice(payload, event.id, 'unrouted');
    expect(stored.data).to.deep.include({ reason: 'nesting_too_deep' });
    expect(Buffer.from(deliveredBody(stored).base64, 'base64').toString('utf8')).to.equal(payload);
  });

  it('keeps the bytes of a body that is not UTF-8, verified as the stripe library verifies it', async () => {
    const event = invoicePaid('@BYTES@');
    const [before, after] = JSON.stringify(event).split('@BYTES@') as [string, string];
    const bytes = Buffer.concat([Buffer.from(before), Buffer.from([0x41, 0xff, 0xfe, 0x42]), Buffer.from(after)]);
    // The library checks the signature against the body decoded as UTF-8, invalid bytes as U+FFFD.
    const signature = signStripePayload(new TextDecoder().decode(bytes), TEST_WEBHOOK_SECRET);
    const post = () => t.app.inject({ method: 'POST', url: '/webhooks/stripe', headers: { 'content-type': 'application/json', 'stripe-signature': signature }, payload: bytes });
    const first = await post();
    expect(first.statusCode, first.body).to.equal(200);
    expect((await post()).json().duplicate).to.equal(true);
    const [stored] = (await t.ledger.store.readStream(`tenant-${tenant.id}`)).filter((e) => (e.metadata as { stripeEventId?: string }).stripeEventId === event.id);
    expect(stored?.type).to.equal('InvoicePaid');
    expect(deliveredBody(stored!).reasons).to.deep.equal(['invalid_utf8']);
    expect(Buffer.from(deliveredBody(stored!).base64, 'base64').equals(bytes)).to.equal(true);
  });

  it('logs those deliveries with their reason, and none failed', async () => {
    const lines = t.logs.filter((line) => line.msg === 'webhook');
    expect(lines.filter((line) => line.outcome === 'failed')).to.have.length(0);
    expect(lines.filter((line) => Array.isArray(line.unstorableBody)).length).to.be.greaterThan(0);
  });
});
