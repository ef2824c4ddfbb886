import { gunzipSync } from 'node:zlib';
import { expect } from 'chai';
import { signStripePayload } from '../../adapters/stripe/webhook-signature.ts';
import { parseDomainEvent } from '../../domain/events/catalogue.ts';
import type { RecordedEvent } from '../../domain/ports/event-store.ts';
import { paidInvoiceEvent } from '../support/invoice-events.ts';
import { startTestLedger, TEST_WEBHOOK_SECRET, type TestLedger } from '../support/test-ledger.ts';

const T0 = 1_767_225_600;

/**
 * Verified events that cannot be used as they were sent are acknowledged once and kept, with why:
 * never the 503 that makes Stripe retry for days and then drop them, never a projection failing
 * on them forever.
 */
describe('webhook ingest: events kept with the reason they cannot be used as sent', function () {
  let t: TestLedger;
  let tenant: { id: string; key: string };
  let n = 0;

  before(async () => {
    t = await startTestLedger();
    const created = await t.ledger.tenants.create('Acme');
    tenant = { id: created.tenant.id, key: created.apiKey };
  });
  after(() => t.close());

  /** An invoice.paid for the tenant; `envelope` and `object` fields override the generated ones. */
  const invoicePaid = (overrides: { description?: string; envelope?: Record<string, unknown>; object?: Record<string, unknown> } = {}) => {
    const i = n++;
    const event = paidInvoiceEvent('current', {
      evt: `evt_kept_${i}`,
      invoice: `in_kept_${i}`,
      tenant: tenant.id,
      amount: 14900 + i,
      currency: 'usd',
      paidAt: T0 + i,
      description: overrides.description ?? 'Pro plan',
    });
    return { ...event, ...overrides.envelope, data: { ...event.data, object: { ...event.data.object, ...overrides.object } } };
  };

  const copiesOf = async (stream: string, stripeEventId: string) =>
    (await t.ledger.store.readStream(stream)).filter((e) => (e.metadata as { stripeEventId?: string }).stripeEventId === stripeEventId);

  const paymentsShown = async () =>
    (await t.get('/api/v1/billing/payments?limit=100', tenant.key)).json.payments as { invoice_id: string; description: string; amount_minor: number }[];

  describe('impossible values', () => {
    it('records an invoice.paid whose invoice was created at -10^12 s as invalid_shape, and projections go on', async () => {
      const bad = invoicePaid({ object: { created: -1_000_000_000_000 } });
      expect((await t.deliver(bad)).status).to.equal(200);
      const [copy, ...more] = await copiesOf(`tenant-${tenant.id}`, bad.id);
      expect(more).to.have.length(0);
      expect(copy?.type).to.equal('StripeEventRecorded');
      expect(copy?.data).to.deep.include({ reason: 'invalid_shape' });
      expect((copy?.data as { detail: string }).detail).to.match(/created/);

      const good = invoicePaid();
      expect((await t.deliver(good)).status).to.equal(200);
      await t.project();
      const shown = (await paymentsShown()).map((p) => p.invoice_id);
      expect(shown).to.include(good.data.object.id).and.not.include(bad.data.object.id);
      const status = await t.database.pool.query<{ last_error: string | null }>('select last_error from projection_checkpoints');
      expect(status.rows.map((row) => row.last_error)).to.deep.equal(status.rows.map(() => null));
    });

    it('records an event whose envelope was created at -10^12 s as invalid_envelope, with no impossible created in it', async () => {
      const bad = invoicePaid({ envelope: { created: -1_000_000_000_000 } });
      expect((await t.deliver(bad)).status).to.equal(200);
      const [copy] = await copiesOf('unrouted', bad.id);
      expect(copy?.type).to.equal('StripeEventRecorded');
      expect(copy?.data).to.deep.include({ reason: 'invalid_envelope' });
      expect((copy?.data as { detail: string }).detail).to.match(/created/);
      expect((copy?.data as { stripe: { created: number } }).stripe.created).to.equal(0);
      await t.project();
    });

    it('records an invoice.paid for more than Stripe can charge, a negative amount paid, or paid after 9999, as invalid_shape', async () => {
      for (const object of [{ amount_paid: 1_000_000_000_000 }, { amount_paid: -1 }, { status_transitions: { paid_at: 253_402_300_800 } }]) {
        const bad = invoicePaid({ object });
        expect((await t.deliver(bad)).status).to.equal(200);
        const [copy] = await copiesOf(`tenant-${tenant.id}`, bad.id);
        expect(copy?.type, JSON.stringify(object)).to.equal('StripeEventRecorded');
        expect(copy?.data, JSON.stringify(object)).to.deep.include({ reason: 'invalid_shape' });
      }
      await t.project();
    });
  });

  describe('bodies jsonb cannot store as delivered', () => {
    /**
     * Delivers `payload` twice (the first is stored, the second is a duplicate) and returns the
     * one stored copy, after checking that it reads back through the catalogue, as a projection
     * reads it, that its metadata holds the bytes as delivered with `reasons`, and that both
     * deliveries were logged with why the body could not be stored as delivered.
     */
    const deliverTwice = async (payload: string | Buffer, stripeEventId: string, stream: string, reasons: string[]): Promise<RecordedEvent> => {
      const before = await t.eventCount();
      // The stripe library checks a signature against the body decoded as UTF-8, bad bytes as U+FFFD.
      const signed = typeof payload === 'string' ? payload : new TextDecoder().decode(payload);
      const headers = { 'content-type': 'application/json', 'stripe-signature': signStripePayload(signed, TEST_WEBHOOK_SECRET) };
      const post = () => t.app.inject({ method: 'POST', url: '/webhooks/stripe', headers, payload });
      const first = await post();
      expect(first.statusCode, first.body).to.equal(200);
      expect(first.json().duplicate).to.equal(false);
      const again = await post();
      expect(again.statusCode).to.equal(200);
      expect(again.json().duplicate).to.equal(true);
      expect(await t.eventCount()).to.equal(before + 1);
      // Both deliveries are logged, neither as failed, each with why it could not be stored as delivered.
      const logged = t.logs.filter((line) => line.msg === 'webhook' && line.stripeEventId === stripeEventId);
      expect(logged.map((line) => line.outcome)).to.have.length(2).and.not.to.include('failed');
      expect(logged.every((line) => Array.isArray(line.unstorableBody)), JSON.stringify(logged)).to.equal(true);

      const copies = await copiesOf(stream, stripeEventId);
      expect(copies).to.have.length(1);
      const stored = copies[0]!;
      parseDomainEvent(stored.type, stored.data);
      // Bytes too large for the log as they are (EventStoreDB's append limit) are kept gzipped.
      const deliveredBody = stored.metadata.deliveredBody as { reasons: string[]; base64?: string; gzipBase64?: string };
      expect(deliveredBody.reasons).to.deep.equal(reasons);
      const bytes = deliveredBody.base64 !== undefined ? Buffer.from(deliveredBody.base64, 'base64') : gunzipSync(Buffer.from(deliveredBody.gzipBase64!, 'base64'));
      expect(bytes.equals(Buffer.from(payload))).to.equal(true);
      return stored;
    };

    it('keeps an invoice.paid with a NUL in its description: routed, the payment shows, the bytes round-trip', async () => {
      const event = invoicePaid({ description: 'Pro plan\u0000 for customer@example.com' });
      const stored = await deliverTwice(JSON.stringify(event), event.id, `tenant-${tenant.id}`, ['nul_character']);
      expect(stored.type).to.equal('InvoicePaid');
      expect((stored.data as { invoice: { description: string } }).invoice.description).to.equal('Pro plan\uFFFD for customer@example.com');

      await t.project();
      const payment = (await paymentsShown()).find((p) => p.invoice_id === event.data.object.id);
      expect(payment).to.include({ description: 'Pro plan\uFFFD for customer@example.com', amount_minor: event.data.object.amount_paid });
    });

    it('keeps an event with a lone surrogate in a value, in a key, and a NUL in a key', async () => {
      for (const [object, reason, repaired] of [
        [{ description: 'half an emoji: \ud83d' }, 'lone_surrogate', { description: 'half an emoji: \uFFFD' }],
        [{ metadata: { 'note\udc00': 'x' } }, 'lone_surrogate', { metadata: { 'note\uFFFD': 'x' } }],
        [{ metadata: { 'note\u0000': 'x' } }, 'nul_character', { metadata: { 'note\uFFFD': 'x' } }],
      ] as const) {
        const event = invoicePaid({ object });
        const stored = await deliverTwice(JSON.stringify(event), event.id, `tenant-${tenant.id}`, [reason]);
        expect(stored.type).to.equal('InvoicePaid');
        expect((stored.data as { stripe: { object: object } }).stripe.object).to.deep.include(repaired);
      }
    });

    for (const depth of [10_000, 500_000]) {
      it(`parks an event nested ${depth.toLocaleString('en')} levels deep in \`unrouted\`, with the reason and the bytes as delivered`, async () => {
        const event = invoicePaid({ object: { nested: '@DEEP@' } });
        const payload = JSON.stringify(event).replace('"@DEEP@"', `${'['.repeat(depth)}${']'.repeat(depth)}`);
        expect(Buffer.byteLength(payload)).to.be.below(1024 * 1024);
        const stored = await deliverTwice(payload, event.id, 'unrouted', ['nesting_too_deep']);
        expect(stored.type).to.equal('StripeEventRecorded');
        expect(stored.data).to.deep.include({ reason: 'nesting_too_deep' });
        expect((stored.data as { stripe: { eventId: string; type: string } }).stripe).to.include({ eventId: event.id, type: 'invoice.paid' });
        await t.project();
      });
    }

    it('keeps the bytes of a body that is not UTF-8', async () => {
      const event = invoicePaid({ description: '@BYTES@' });
      const [head, tail] = JSON.stringify(event).split('@BYTES@') as [string, string];
      const bytes = Buffer.concat([Buffer.from(head), Buffer.from([0x41, 0xff, 0xfe, 0x42]), Buffer.from(tail)]);
      const stored = await deliverTwice(bytes, event.id, `tenant-${tenant.id}`, ['invalid_utf8']);
      expect(stored.type).to.equal('InvoicePaid');
    });
  });
});
