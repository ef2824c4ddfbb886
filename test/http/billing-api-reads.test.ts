import { expect } from 'chai';
import { invoiceEvent, paidInvoiceEvent } from '../support/invoice-events.ts';
import { customerDefaultEvent, paymentMethodAttachedEvent } from '../support/payment-method-events.ts';
import { startTestLedger, type TestLedger } from '../support/test-ledger.ts';

const T0 = 1_767_225_600;

describe('billing API: invoices and payment methods', function () {
  this.timeout(120_000);
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
    // 25 invoices for Acme, created a minute apart, half paid and half failed; 2 for Globex.
    for (let i = 0; i < 25; i++) {
      const created = T0 + i * 60;
      const status = i % 2 ? 'open' : 'paid';
      await t.deliver(
        invoiceEvent(i % 3 ? '2023-10' : 'current', status === 'paid' ? 'invoice.paid' : 'invoice.payment_failed', {
          evt: `evt_ia${i}`, invoice: `in_a${i}`, tenant: acme.id, status, amountDue: 2000 + i, amountPaid: status === 'paid' ? 2000 + i : 0, currency: 'usd', created, paidAt: status === 'paid' ? created : null,
        }),
      );
    }
    for (let i = 0; i < 2; i++) {
      await t.deliver(paidInvoiceEvent('current', { evt: `evt_ig${i}`, invoice: `in_g${i}`, tenant: globex.id, amount: 500, currency: 'eur', paidAt: T0 + i }));
    }
    await t.deliver(paymentMethodAttachedEvent('current', { evt: 'evt_pm_a', paymentMethod: 'pm_acme', customer: 'cus_acme', tenant: acme.id, created: T0 }));
    await t.deliver(customerDefaultEvent('current', { evt: 'evt_cus_a', customer: 'cus_acme', tenant: acme.id, created: T0 + 1, defaultPaymentMethod: 'pm_acme' }));
    await t.deliver(paymentMethodAttachedEvent('2023-10', { evt: 'evt_pm_g', paymentMethod: 'pm_globex', customer: 'cus_globex', tenant: globex.id, created: T0, last4: '0005', brand: 'amex' }));
    await t.project();
  });
  after(() => t?.close());

  const errorOf = (json: Record<string, unknown>) => json.error as { code: string; message: string };

  describe('GET /api/v1/billing/invoices', () => {
    it('pages newest first with limit and starting_after, with no gaps or repeats', async () => {
      const seen: string[] = [];
      let after: string | undefined;
      for (let page = 0; page < 10; page++) {
        const res = await t.get(`/api/v1/billing/invoices?limit=7${after ? `&starting_after=${after}` : ''}`, acme.key);
        expect(res.status).to.equal(200);
        const invoices = res.json.invoices as { id: string; invoice_id: string }[];
        expect(invoices.length).to.be.at.most(7);
        seen.push(...invoices.map((i) => i.invoice_id));
        if (!res.json.has_more) break;
        after = invoices.at(-1)!.id;
      }
      expect(seen).to.deep.equal(Array.from({ length: 25 }, (_, i) => `in_a${24 - i}`));
    });

    it('defaults to 10 and returns the documented fields', async () => {
      const res = await t.get('/api/v1/billing/invoices', acme.key);
      const invoices = res.json.invoices as Record<string, unknown>[];
      expect(invoices).to.have.length(10);
      expect(res.json.has_more).to.equal(true);
      expect(invoices[0]).to.have.all.keys(
        'id', 'invoice_id', 'number', 'status', 'amount_due', 'amount_due_minor', 'amount_paid', 'amount_paid_minor', 'amount_remaining', 'amount_remaining_minor',
        'currency', 'period_start', 'period_end', 'hosted_invoice_url', 'invoice_pdf', 'created', 'subscription_id', 'livemode',
      );
      expect(invoices[0]).to.include({ invoice_id: 'in_a24', status: 'paid', amount_paid: '20.24', amount_remaining: '0.00', currency: 'USD' });
      expect(invoices[1]).to.include({ invoice_id: 'in_a23', status: 'open', amount_due: '20.23', amount_paid_minor: 0, amount_remaining_minor: 2023 });
    });

    it('shows a tenant only its own invoices', async () => {
      const res = await t.get('/api/v1/billing/invoices?limit=100', globex.key);
      expect((res.json.invoices as { invoice_id: string }[]).map((i) => i.invoice_id)).to.deep.equal(['in_g1', 'in_g0']);
    });

    it('answers 400 naming the parameter for invalid query parameters', async () => {
      const cases = [
        ['limit=0', 'invalid query parameter limit: must be a whole number from 1 to 100'],
        ['limit=1e1', 'invalid query parameter limit: must be a whole number from 1 to 100'],
        ['limit=101', 'invalid query parameter limit: must be a whole number from 1 to 100'],
        ['limit=1&limit=2', 'invalid query parameter limit: given more than once'],
        ['starting_after=nope', 'invalid query parameter starting_after: '],
        ['colour=red', 'unknown query parameter: colour'],
        [`starting_after=${'0'.repeat(8)}-0000-4000-8000-${'0'.repeat(12)}`, 'invalid query parameter starting_after: no invoice'],
      ];
      for (const [query, message] of cases) {
        const res = await t.get(`/api/v1/billing/invoices?${query}`, acme.key);
        expect(res.status, query).to.equal(400);
        expect(errorOf(res.json).code, query).to.equal('invalid_parameter');
        expect(errorOf(res.json).message, query).to.include(message);
      }
    });

    it('does not let a cursor from another tenant page through it', async () => {
      const globexFirst = ((await t.get('/api/v1/billing/invoices', globex.key)).json.invoices as { id: string }[])[0]!.id;
      const res = await t.get(`/api/v1/billing/invoices?starting_after=${globexFirst}`, acme.key);
      expect(res.status).to.equal(400);
      expect(errorOf(res.json).message).to.include('starting_after');
    });

    it('answers 401 without a key', async () => {
      expect((await t.get('/api/v1/billing/invoices')).status).to.equal(401);
      expect((await t.get('/api/v1/billing/payment-methods', 'not-a-key')).status).to.equal(401);
    });
  });

  describe('GET /api/v1/billing/payment-methods', () => {
    it("lists only the tenant's own payment methods", async () => {
      expect((await t.get('/api/v1/billing/payment-methods', acme.key)).json).to.deep.equal({
        payment_methods: [{ id: 'pm_acme', type: 'card', brand: 'visa', last4: '4242', exp_month: 8, exp_year: 2030, default: true, livemode: false }],
      });
      expect((await t.get('/api/v1/billing/payment-methods', globex.key)).json).to.deep.equal({
        payment_methods: [{ id: 'pm_globex', type: 'card', brand: 'amex', last4: '0005', exp_month: 8, exp_year: 2030, default: false, livemode: false }],
      });
    });

    it('refuses query parameters, naming them', async () => {
      const res = await t.get('/api/v1/billing/payment-methods?limit=5', acme.key);
      expect(res.status).to.equal(400);
      expect(errorOf(res.json)).to.deep.equal({ code: 'invalid_parameter', message: 'unknown query parameter: limit' });
    });
  });

  describe('GET /api/v1/billing/payments', () => {
    it("says `succeeded` of a paid payment, as the documented example does, with the example's fields", async () => {
      const payment = ((await t.get('/api/v1/billing/payments', globex.key)).json.payments as Record<string, unknown>[])[0];
      expect(payment).to.include.all.keys('id', 'amount', 'currency', 'status', 'description', 'created', 'receipt_url');
      expect(payment).to.include({ status: 'succeeded', amount: '5.00', currency: 'EUR' });
    });
  });

  describe('GET /openapi.json', () => {
    it('documents the read endpoints with their parameters, auth and answers', async () => {
      const paths = (await t.get('/openapi.json')).json.paths as Record<string, Record<string, { parameters?: { name: string; in: string }[]; security: unknown; responses: Record<string, unknown> }>>;
      for (const path of ['/api/v1/billing/invoices', '/api/v1/billing/payments']) {
        const get = paths[path]!.get!;
        expect(get.parameters!.map((p) => `${p.in}:${p.name}`), path).to.have.members(['query:limit', 'query:starting_after']);
        expect(get.security, path).to.deep.equal([{ apiKey: [] }]);
        expect(get.responses, path).to.include.keys('200', '400', '401');
      }
      for (const path of ['/api/v1/billing/payment-methods', '/api/v1/billing/subscription']) {
        expect(paths[path]!.get!.responses, path).to.include.keys('200', '400', '401');
      }
      const invoice = (paths['/api/v1/billing/invoices']!.get!.responses['200'] as { content: { 'application/json': { schema: { properties: { invoices: { items: { properties: object } } } } } } })
        .content['application/json'].schema.properties.invoices.items.properties;
      expect(invoice).to.include.keys('number', 'amount_due', 'amount_due_minor', 'status', 'period_start', 'hosted_invoice_url', 'invoice_pdf');
    });
  });
});
