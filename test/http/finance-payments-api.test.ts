import { expect } from 'chai';
import { paidInvoiceEvent } from '../support/invoice-events.ts';
import { fixtureEvent } from '../support/stripe-fixtures.ts';
import { startTestLedger, type TestLedger } from '../support/test-ledger.ts';

const T0 = 1_767_225_600; // 2026-01-01
const DAY = 86_400;

describe('GET /api/v1/finance/payments', function () {
  this.timeout(120_000);
  let t: TestLedger;
  let financeKey: string;
  let tenantKey: string;
  let acme: string;
  let globex: string;
  const at = (seconds: number) => new Date(seconds * 1000).toISOString();

  before(async () => {
    t = await startTestLedger();
    ({ tenant: { id: acme }, apiKey: tenantKey } = await t.ledger.tenants.create('Acme'));
    ({ tenant: { id: globex } } = await t.ledger.tenants.create('Globex'));
    financeKey = (await t.ledger.apiKeys.issue({ scope: 'finance', name: 'finance team' })).secret;
    const pay = (evt: string, tenant: string, amount: number, currency: string, day: number, shape: '2023-10' | 'current' = '2023-10') =>
      paidInvoiceEvent(shape, { evt: `evt_${evt}`, invoice: `in_${evt}`, tenant, amount, currency, paidAt: T0 + day * DAY, paymentIntent: shape === '2023-10' ? `pi_${evt}` : undefined });
    await t.deliver(pay('a1', acme, 14_900, 'usd', 0));
    await t.deliver(pay('a2', acme, 4_900, 'eur', 1, 'current'));
    await t.deliver({ ...pay('a3', acme, 5_000, 'jpy', 2), livemode: true });
    await t.deliver(pay('g1', globex, 99_900, 'usd', 3, 'current'));
    await t.deliver({ ...pay('g2', globex, 1_000, 'usd', 4), livemode: true });
    // a1 partly refunded; a3 refunded in full.
    await t.deliver(fixtureEvent('2023-10', 'charge.refunded', 'charge', { id: 'ch_a1', payment_intent: 'pi_a1', invoice: 'in_a1', amount: 14_900, amount_refunded: 4_900, currency: 'usd', metadata: { tenant_id: acme } }, { id: 'evt_r1', created: T0 + 5 * DAY }));
    await t.deliver(fixtureEvent('2023-10', 'charge.refunded', 'charge', { id: 'ch_a3', payment_intent: 'pi_a3', invoice: 'in_a3', amount: 5_000, amount_refunded: 5_000, refunded: true, currency: 'jpy', metadata: { tenant_id: acme } }, { id: 'evt_r2', created: T0 + 5 * DAY }));
    await t.project();
  });
  after(() => t?.close());

  const list = async (query: string) => {
    const res = await t.get(`/api/v1/finance/payments${query}`, financeKey);
    expect(res.status, JSON.stringify(res.json)).to.equal(200);
    return res.json as { data: Record<string, unknown>[]; nextCursor: string | null };
  };
  const invoices = async (query: string) => (await list(query)).data.map((p) => p.invoice_id);

  it("lists every tenant's payments, newest first, with amounts by the currency's exponent", async () => {
    const page = await list('');
    expect(page.data.map((p) => p.invoice_id)).to.deep.equal(['in_g2', 'in_g1', 'in_a3', 'in_a2', 'in_a1']);
    expect(page.nextCursor).to.equal(null);
    expect(page.data.find((p) => p.invoice_id === 'in_a1')).to.deep.include({
      tenant_id: acme,
      status: 'partially_refunded',
      amount: '149.00',
      amount_minor: 14_900,
      amount_refunded: '49.00',
      net_amount: '100.00',
      net_amount_minor: 10_000,
      currency: 'USD',
      paid_at: at(T0),
      payment_intent_id: 'pi_a1',
      livemode: false,
    });
    expect(page.data.find((p) => p.invoice_id === 'in_a3')).to.include({ status: 'refunded', amount: '5000', net_amount: '0', currency: 'JPY', livemode: true });
  });

  it('filters by tenant, status, currency, paid date range, livemode and amount range', async () => {
    expect(await invoices(`?tenant_id=${globex}`)).to.deep.equal(['in_g2', 'in_g1']);
    expect(await invoices('?status=refunded,partially_refunded')).to.deep.equal(['in_a3', 'in_a1']);
    expect(await invoices('?currency=usd')).to.deep.equal(['in_g2', 'in_g1', 'in_a1']);
    expect(await invoices(`?paid_from=${at(T0 + DAY)}&paid_to=${at(T0 + 3 * DAY)}`)).to.deep.equal(['in_a3', 'in_a2']);
    expect(await invoices('?livemode=true')).to.deep.equal(['in_g2', 'in_a3']);
    expect(await invoices('?amount_min=4900&amount_max=14900')).to.deep.equal(['in_a3', 'in_a2', 'in_a1']);
    expect(await invoices(`?tenant_id=${acme}&currency=USD&livemode=false&status=partially_refunded`)).to.deep.equal(['in_a1']);
  });

  it('sorts by paid date or amount, either way', async () => {
    expect(await invoices('?sort=paid_at')).to.deep.equal(['in_a1', 'in_a2', 'in_a3', 'in_g1', 'in_g2']);
    expect(await invoices('?sort=amount')).to.deep.equal(['in_g2', 'in_a2', 'in_a3', 'in_a1', 'in_g1']);
    expect(await invoices('?sort=-amount')).to.deep.equal(['in_g1', 'in_a1', 'in_a3', 'in_a2', 'in_g2']);
  });

  it('pages with an opaque cursor through every row exactly once, in any sort', async () => {
    for (const sort of ['-paid_at', 'amount']) {
      const all = await invoices(`?sort=${sort}`);
      const paged: unknown[] = [];
      let cursor: string | null = null;
      do {
        const page: { data: Record<string, unknown>[]; nextCursor: string | null } = await list(`?sort=${sort}&limit=2${cursor ? `&cursor=${cursor}` : ''}`);
        expect(page.data.length).to.be.at.most(2);
        paged.push(...page.data.map((p) => p.invoice_id));
        cursor = page.nextCursor;
      } while (cursor);
      expect(paged).to.deep.equal(all);
    }
  });

  it('streams the same rows as CSV, asked by format=csv or by Accept: text/csv', async () => {
    const json = (await list('?sort=paid_at&currency=USD')).data;
    for (const ask of [{ url: '?sort=paid_at&currency=USD&format=csv', headers: {} }, { url: '?sort=paid_at&currency=USD', headers: { accept: 'text/csv' } }]) {
      const res = await t.app.inject({ method: 'GET', url: `/api/v1/finance/payments${ask.url}`, headers: { authorization: `Bearer ${financeKey}`, ...ask.headers } });
      expect(res.statusCode).to.equal(200);
      expect(res.headers['content-type']).to.match(/^text\/csv/);
      const [header, ...lines] = res.body.trimEnd().split('\r\n');
      const columns = header!.split(',');
      expect(columns).to.deep.equal(Object.keys(json[0]!));
      expect(lines).to.have.length(json.length);
      const first = Object.fromEntries(lines[0]!.split(',').map((value, i) => [columns[i], value]));
      expect(first).to.include({ invoice_id: 'in_a1', amount: '149.00', amount_minor: '14900', status: 'partially_refunded', tenant_id: acme, livemode: 'false', currency: 'USD' });
    }
  });

  it('refuses bad parameters with 400 naming them, and a cursor it did not issue', async () => {
    for (const [query, named] of [
      ['?status=paid', 'status'],
      ['?currency=dollars', 'currency'],
      ['?paid_from=yesterday', 'paid_from'],
      ['?amount_min=-5', 'amount_min'],
      ['?limit=1001', 'limit'],
      ['?sort=tenant', 'sort'],
      ['?livemode=yes', 'livemode'],
      ['?page=2', 'page'],
      ['?cursor=bm90LWEtY3Vyc29y', 'cursor'],
      [`?cursor=${Buffer.from(JSON.stringify(["'; drop table payments; --", '00000000-0000-4000-8000-000000000000'])).toString('base64url')}`, 'cursor'],
    ]) {
      const res = await t.get(`/api/v1/finance/payments${query}`, financeKey);
      expect(res.status, query).to.equal(400);
      expect((res.json.error as { message: string }).message, query).to.include(named);
    }
  });

  it('answers 401 without a key, and 403 on every finance route to a tenant key', async () => {
    const financeRoutes = t.app.servedRoutes.filter((r) => r.url.startsWith('/api/v1/finance'));
    expect(financeRoutes.length).to.be.at.least(1);
    for (const route of financeRoutes) {
      const url = route.url.replace(/:(\w+)/g, 'x');
      const tenant = await t.app.inject({ method: route.method as 'GET', url, headers: { authorization: `Bearer ${tenantKey}` } });
      expect(tenant.statusCode, `${route.method} ${url}`).to.equal(403);
      expect(JSON.parse(tenant.body).error.message).to.include('finance');
      expect((await t.app.inject({ method: route.method as 'GET', url })).statusCode).to.equal(401);
    }
  });
});
