import { expect } from 'chai';
import { paidInvoiceEvent } from '../support/invoice-events.ts';
import { startTestLedger, type TestLedger } from '../support/test-ledger.ts';

const T0 = 1_767_225_600;

/**
 * A signed event carrying a value no real Stripe object can have (a date before 1970 or past
 * year 9999, an amount beyond Stripe's maximum) is acknowledged and kept, recorded with why, and
 * never reaches a projection as a payment that would fail it forever.
 */
describe('webhook ingest: impossible values are recorded, not projected', function () {
  let t: TestLedger;
  let tenant: { id: string; key: string };
  let n = 0;

  before(async () => {
    t = await startTestLedger();
    const created = await t.ledger.tenants.create('Acme');
    tenant = { id: created.tenant.id, key: created.apiKey };
  });
  after(() => t.close());

  const invoicePaid = (overrides: { envelope?: Record<string, unknown>; invoice?: Record<string, unknown> }) => {
    const i = n++;
    const event = paidInvoiceEvent('2023-10', { evt: `evt_impossible_${i}`, invoice: `in_impossible_${i}`, tenant: tenant.id, amount: 14900, currency: 'usd', paidAt: T0 + i });
    return { ...event, ...overrides.envelope, data: { ...event.data, object: { ...event.data.object, ...overrides.invoice } } };
  };

  const recorded = async (stream: string, stripeEventId: string) => {
    const events = await t.ledger.store.readStream(stream);
    return events.filter((e) => (e.metadata as { stripeEventId?: string }).stripeEventId === stripeEventId);
  };

  it('records an invoice.paid whose invoice was created at -10^12 s as invalid_shape, and projections go on', async () => {
    const bad = invoicePaid({ invoice: { created: -1_000_000_000_000 } });
    const res = await t.deliver(bad);
    expect(res.status).to.equal(200);
    const [copy, ...more] = await recorded(`tenant-${tenant.id}`, bad.id);
    expect(more).to.have.length(0);
    expect(copy?.type).to.equal('StripeEventRecorded');
    expect(copy?.data).to.deep.include({ reason: 'invalid_shape' });
    expect((copy?.data as { detail: string }).detail).to.match(/created/);

    const good = invoicePaid({});
    expect((await t.deliver(good)).status).to.equal(200);
    await t.project();
    const payments = (await t.get('/api/v1/billing/payments?limit=100', tenant.key)).json.payments as { invoice_id: string }[];
    expect(payments.map((p) => p.invoice_id)).to.include(good.data.object.id).and.not.include(bad.data.object.id);
    const status = await t.database.pool.query<{ last_error: string | null }>('select last_error from projection_checkpoints');
    expect(status.rows.map((row) => row.last_error)).to.deep.equal(status.rows.map(() => null));
  });

  it('records an event whose envelope was created at -10^12 s as invalid_envelope, with no impossible created in it', async () => {
    const bad = invoicePaid({ envelope: { created: -1_000_000_000_000 } });
    const res = await t.deliver(bad);
    expect(res.status).to.equal(200);
    const [copy] = await recorded('unrouted', bad.id);
    expect(copy?.type).to.equal('StripeEventRecorded');
    expect(copy?.data).to.deep.include({ reason: 'invalid_envelope' });
    expect((copy?.data as { detail: string }).detail).to.match(/created/);
    expect((copy?.data as { stripe: { created: number } }).stripe.created).to.equal(0);
    await t.project();
  });

  it('records an invoice.paid for more than Stripe can charge, or a negative amount paid, as invalid_shape', async () => {
    for (const invoice of [{ amount_paid: 1_000_000_000_000 }, { amount_paid: -1 }, { status_transitions: { paid_at: 253_402_300_800 } }]) {
      const bad = invoicePaid({ invoice });
      expect((await t.deliver(bad)).status).to.equal(200);
      const [copy] = await recorded(`tenant-${tenant.id}`, bad.id);
      expect(copy?.type, JSON.stringify(invoice)).to.equal('StripeEventRecorded');
      expect(copy?.data, JSON.stringify(invoice)).to.deep.include({ reason: 'invalid_shape' });
    }
    await t.project();
  });
});
