import { expect } from 'chai';
import { fixtureEvent } from '../support/stripe-fixtures.ts';
import { paidInvoiceEvent } from '../support/invoice-events.ts';
import { startTestLedger, type TestLedger } from '../support/test-ledger.ts';

const T0 = 1_767_225_600;

describe('billing API', function () {
  let t: TestLedger;
  const acme = { id: '', key: '' };
  const globex = { id: '', key: '' };

  before(async () => {
    t = await startTestLedger();
    for (const [tenant, name] of [[acme, 'Acme'], [globex, 'Globex']] as const) {
      const created = await t.ledger.tenants.create(name);
      tenant.id = created.tenant.id;
      tenant.key = created.apiKey;
    }
    // 25 payments for Acme, one a minute; 2 for Globex.
    for (let i = 0; i < 25; i++) {
      await t.deliver(paidInvoiceEvent('2023-10', { evt: `evt_a${i}`, invoice: `in_a${i}`, tenant: acme.id, amount: 1000 + i, currency: 'usd', paidAt: T0 + i * 60 }));
    }
    for (let i = 0; i < 2; i++) {
      await t.deliver(paidInvoiceEvent('current', { evt: `evt_g${i}`, invoice: `in_g${i}`, tenant: globex.id, amount: 500, currency: 'eur', paidAt: T0 + i }));
    }
    await t.deliver(
      fixtureEvent('current', 'customer.subscription.updated', 'subscription', {
        id: 'sub_acme',
        status: 'active',
        metadata: { tenant_id: acme.id },
        cancel_at_period_end: true,
        pending_update: null,
        items: { object: 'list', data: [{ price: { id: 'price_professional_monthly' }, current_period_start: T0, current_period_end: T0 + 2_592_000 }] },
      }, { id: 'evt_sub_acme', created: T0 }),
    );
    await t.project();
  });
  after(() => t.close());

  describe('authentication', () => {
    it('answers 401 without a key, with a malformed header, and with an unknown key', async () => {
      for (const key of [undefined, 'not-a-real-key']) {
        const res = await t.get('/api/v1/billing/payments', key);
        expect(res.status).to.equal(401);
        expect((res.json.error as { code: string }).code).to.equal('unauthorized');
      }
      const basic = await t.app.inject({ method: 'GET', url: '/api/v1/billing/subscription', headers: { authorization: `Basic ${acme.key}` } });
      expect(basic.statusCode).to.equal(401);
    });

    it('stores keys hashed, never in clear', async () => {
      const { rows } = await t.database.pool.query('select * from api_keys');
      expect(JSON.stringify(rows)).not.to.include(acme.key);
      expect(rows.every((r: { hash: string }) => /^[0-9a-f]{64}$/.test(r.hash))).to.equal(true);
    });
  });

  describe('GET /api/v1/billing/payments', () => {
    it('shows a tenant only its own payments', async () => {
      const res = await t.get('/api/v1/billing/payments?limit=100', globex.key);
      const payments = res.json.payments as { invoice_id: string; currency: string; amount: string }[];
      expect(payments.map((p) => p.invoice_id)).to.deep.equal(['in_g1', 'in_g0']);
      expect(payments[0]).to.include({ currency: 'EUR', amount: '5.00' });
    });

    it('pages newest first with limit and starting_after, with no gaps or repeats', async () => {
      const seen: string[] = [];
      let after: string | undefined;
      for (let page = 0; page < 10; page++) {
        const res = await t.get(`/api/v1/billing/payments?limit=10${after ? `&starting_after=${after}` : ''}`, acme.key);
        expect(res.status).to.equal(200);
        const payments = res.json.payments as { id: string; invoice_id: string }[];
        seen.push(...payments.map((p) => p.invoice_id));
        if (!res.json.has_more) break;
        after = payments.at(-1)!.id;
      }
      expect(seen).to.deep.equal(Array.from({ length: 25 }, (_, i) => `in_a${24 - i}`));
    });

    it('defaults to 10 and returns the documented fields', async () => {
      const res = await t.get('/api/v1/billing/payments', acme.key);
      const payments = res.json.payments as Record<string, unknown>[];
      expect(payments).to.have.length(10);
      expect(payments[0]).to.include.all.keys('id', 'amount', 'amount_minor', 'currency', 'status', 'description', 'created', 'receipt_url', 'invoice_id');
      expect(payments[0]).to.include({ amount: '10.24', amount_minor: 1024, currency: 'USD', status: 'succeeded', invoice_id: 'in_a24' });
    });

    it('answers 400 naming the parameter for invalid query parameters', async () => {
      for (const [query, name] of [['limit=0', 'limit'], ['limit=abc', 'limit'], ['limit=101', 'limit'], ['starting_after=nope', 'starting_after'], ['colour=red', 'colour']]) {
        const res = await t.get(`/api/v1/billing/payments?${query}`, acme.key);
        expect(res.status, query).to.equal(400);
        expect((res.json.error as { code: string; message: string }).message, query).to.include(name);
      }
    });

    it('does not let a cursor from another tenant page through it', async () => {
      const globexFirst = ((await t.get('/api/v1/billing/payments', globex.key)).json.payments as { id: string }[])[0]!.id;
      const res = await t.get(`/api/v1/billing/payments?starting_after=${globexFirst}`, acme.key);
      expect(res.status).to.equal(400);
      expect((res.json.error as { message: string }).message).to.include('starting_after');
    });
  });

  describe('GET /api/v1/billing/subscription', () => {
    it('returns the tenant subscription with its catalogue plan', async () => {
      const res = await t.get('/api/v1/billing/subscription', acme.key);
      expect(res.status).to.equal(200);
      const s = res.json.subscription as Record<string, unknown>;
      expect(s).to.include({ status: 'active', billing_cycle: 'monthly', cancel_at_period_end: true, pending_plan: null });
      expect(s.plan).to.deep.equal({ id: 'professional-monthly', name: 'Professional' });
      expect(s.current_period_start).to.equal(new Date(T0 * 1000).toISOString());
      expect(s.current_period_end).to.equal(new Date((T0 + 2_592_000) * 1000).toISOString());
    });

    it('returns null for a tenant without one', async () => {
      const res = await t.get('/api/v1/billing/subscription', globex.key);
      expect(res.json).to.deep.equal({ subscription: null });
    });
  });

  describe('health', () => {
    it('answers /healthz and /readyz', async () => {
      expect((await t.get('/healthz')).json).to.deep.equal({ status: 'ok' });
      const ready = await t.get('/readyz');
      expect(ready.status).to.equal(200);
      expect(ready.json).to.deep.include({ status: 'ready', checks: { event_store: 'ok', database: 'ok', ingest: 'ok' } });
    });

    it('answers unknown routes with a JSON 404', async () => {
      const res = await t.get('/nope');
      expect(res.status).to.equal(404);
      expect((res.json.error as { code: string }).code).to.equal('not_found');
    });
  });
});
