import { expect } from 'chai';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { chromium, type BrowserContext, type Page } from 'playwright-core';
import { currencyExponent, formatMinor } from '../../domain/money.ts';
import { fixtureEvent } from '../support/stripe-fixtures.ts';
import { startTestLedger, type TestLedger } from '../support/test-ledger.ts';

/** Debian's Chromium (`apt-get install chromium`); CHROMIUM_PATH names another. */
const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
/** As the machine's notes prescribe: no sandbox as root, and no calls home on a closed network. */
const CHROMIUM_ARGS = ['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'];

const MONTH = '2026-10';
const at = (iso: string) => Date.parse(iso) / 1000;

interface MonthJson {
  month: string;
  mrr: { currency: string; end_minor: number; new_minor: number }[];
  payments: { succeeded: number; failed_attempts: number; success_rate: number | null };
  refunds: { currency: string; amount_minor: number }[];
  disputes: { opened: { currency: string; amount_minor: number }[] };
}
interface PaymentJson { invoice_id: string; invoice_number: string | null; amount_minor: number; currency: string }

/** How the page shows an amount: the ledger's exact decimal, in en-US currency format. */
const shown = (minor: number, currency: string) => {
  const digits = currencyExponent(currency);
  return new Intl.NumberFormat('en-US', { style: 'currency', currency, minimumFractionDigits: digits, maximumFractionDigits: digits }).format(formatMinor(minor, currency) as unknown as number);
};

describe('the finance dashboard in a real browser (GET /finance)', function () {
  this.timeout(180_000);
  let t: TestLedger | undefined;
  let context: BrowserContext | undefined;
  let dir: string | undefined;
  let base = '';
  let financeKey = '';
  let tenantKey = '';
  const pageErrors: string[] = [];

  before(async function () {
    if (!existsSync(CHROMIUM)) {
      console.warn(`      skipped: no Chromium at ${CHROMIUM} (apt-get install chromium, or set CHROMIUM_PATH)`);
      this.skip();
    }
    t = await startTestLedger();
    await seed(t);
    await t.project();
    financeKey = (await t.ledger.apiKeys.issue({ scope: 'finance', name: 'books' })).secret;
    const tenant = (await t.ledger.tenants.create('Keyholder')).tenant.id;
    tenantKey = (await t.ledger.apiKeys.issue({ scope: 'tenant', tenantId: tenant })).secret;
    await t.app.listen({ port: 0, host: '127.0.0.1' });
    const address = t.app.server.address();
    base = `http://127.0.0.1:${typeof address === 'object' && address ? address.port : 0}`;
    dir = mkdtempSync(join(tmpdir(), 'finance-dashboard-'));
    context = await chromium.launchPersistentContext(join(dir, 'profile'), {
      executablePath: CHROMIUM,
      headless: true,
      args: CHROMIUM_ARGS,
      acceptDownloads: true,
      downloadsPath: join(dir, 'downloads'),
      locale: 'en-US',
      timezoneId: 'UTC',
    });
  });
  after(async () => {
    await context?.close();
    await t?.close();
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  const openPage = async (path = `/finance?month=${MONTH}`) => {
    // Each test sees only its own page's errors, in whatever order the tests run.
    pageErrors.length = 0;
    const page = await context!.newPage();
    page.on('pageerror', (error) => pageErrors.push(error.message));
    page.on('console', (message) => {
      if (message.type() === 'error') pageErrors.push(message.text());
    });
    await page.goto(`${base}${path}`);
    return page;
  };
  const signIn = async (page: Page, key: string) => {
    await page.getByLabel('Finance key').fill(key);
    await page.getByRole('button', { name: 'Open dashboard' }).click();
  };
  const loaded = (page: Page) => page.locator('#status').filter({ hasText: /^Updated/ }).waitFor();
  const text = (page: Page, selector: string) => page.locator(selector).innerText();
  const api = async <T>(path: string) => {
    const res = await t!.get(path, financeKey);
    expect(res.status, JSON.stringify(res.json)).to.equal(200);
    return res.json as T;
  };

  it('asks for a finance key, then shows the figures the finance API returns', async () => {
    const page = await openPage();
    expect(await page.locator('#dashboard').isHidden()).to.equal(true);
    await signIn(page, financeKey);
    await loaded(page);

    const metrics = await api<{ months: MonthJson[] }>(`/api/v1/finance/metrics?from=2025-11&to=${MONTH}&interval=month`);
    const month = metrics.months.at(-1)!;
    expect(month.month).to.equal(MONTH);
    // The page agrees with the API, and the API with the seeded history.
    expect(await text(page, '#fig-mrr')).to.equal(month.mrr.map((c) => shown(c.end_minor, c.currency)).join(' · '));
    expect(await text(page, '#fig-mrr')).to.equal('€20.00 · ¥5,000 · $49.00');
    expect(month.payments).to.include({ succeeded: 2, failed_attempts: 1 });
    expect(await text(page, '#fig-success-rate')).to.equal(`${(month.payments.success_rate! * 100).toFixed(1)}% (2 paid, 1 failed)`);
    expect(await text(page, '#fig-awaiting')).to.equal('1 · €20.00');
    expect(await text(page, '#fig-refunds')).to.equal(month.refunds.map((r) => shown(r.amount_minor, r.currency)).join(' · '));
    expect(await text(page, '#fig-refunds')).to.equal('$10.00');
    expect(await text(page, '#fig-disputes')).to.equal(month.disputes.opened.map((r) => shown(r.amount_minor, r.currency)).join(' · '));
    expect(month.disputes.opened).to.have.length(1);

    // One chart per currency, with the table beside it for screen readers.
    expect(await page.locator('#mrr-chart svg title').allTextContents()).to.deep.equal(['MRR in EUR', 'MRR in JPY', 'MRR in USD']);
    expect(await page.locator('#mrr-table tbody tr').count()).to.equal(12);

    const payments = await api<{ data: PaymentJson[] }>(`/api/v1/finance/payments?paid_from=${MONTH}-01T00:00:00Z&paid_to=2026-11-01T00:00:00Z&livemode=true&sort=paid_at`);
    expect(payments.data).to.have.length(2);
    const rows = page.locator('#payments tbody tr');
    expect(await rows.count()).to.equal(payments.data.length);
    for (const [i, p] of payments.data.entries()) {
      const cells = await rows.nth(i).locator('td').allInnerTexts();
      expect(cells[2]).to.equal(p.invoice_number ?? p.invoice_id);
      expect(cells[4]).to.equal(shown(p.amount_minor, p.currency));
    }
    expect(await page.locator('#refunded-payments tbody tr').count()).to.equal(1);

    // The key stays for the tab: a reload opens the dashboard without asking again.
    await page.reload();
    await loaded(page);
    expect(await page.locator('#sign-in').isHidden()).to.equal(true);
    await page.close();
    expect(pageErrors).to.deep.equal([]);
  });

  it('exports the payments of the month as the CSV the API serves', async () => {
    const page = await openPage();
    await signIn(page, financeKey);
    await loaded(page);
    const [download] = await Promise.all([page.waitForEvent('download'), page.getByRole('button', { name: 'Export payments (CSV)' }).click()]);
    expect(download.suggestedFilename()).to.equal(`payments-${MONTH}.csv`);
    const csv = readFileSync((await download.path())!, 'utf8');
    const expected = await t!.app.inject({
      method: 'GET',
      url: `/api/v1/finance/payments?format=csv&paid_from=${MONTH}-01T00:00:00.000Z&paid_to=2026-11-01T00:00:00.000Z&livemode=true&sort=paid_at`,
      headers: { authorization: `Bearer ${financeKey}` },
    });
    expect(csv).to.equal(expected.body);
    expect(csv.trim().split('\n')).to.have.length(3); // the header and two payments
    await page.close();
    expect(pageErrors).to.deep.equal([]);
  });

  it('sends a key the finance API refuses back to the key form, saying why', async () => {
    const page = await openPage();
    await signIn(page, tenantKey);
    await page.locator('#key-error').filter({ hasText: 'finance scope' }).waitFor();
    expect(await page.locator('#dashboard').isHidden()).to.equal(true);
    expect(await page.evaluate(() => sessionStorage.length)).to.equal(0);
    await page.close();
  });
});

/**
 * October 2026, signed and delivered as Stripe would: a USD customer paying $49 with a partial
 * refund and a dispute, a EUR customer whose first payment failed, a JPY customer (no minor unit).
 */
async function seed(t: TestLedger): Promise<void> {
  const tenants = await Promise.all(['Dollar Co', 'Euro GmbH', 'Yen KK'].map(async (name) => (await t.ledger.tenants.create(name)).tenant.id));
  const customers: [string, string, number, string][] = [
    [tenants[0]!, 'usd', 4900, '2026-10-02T10:00:00Z'],
    [tenants[1]!, 'eur', 2000, '2026-10-05T10:00:00Z'],
    [tenants[2]!, 'jpy', 5000, '2026-10-07T10:00:00Z'],
  ];
  let n = 0;
  const deliver = async (type: string, name: string, object: Record<string, unknown>, when: string) => {
    const res = await t.deliver(fixtureEvent('2023-10', type, name, object, { id: `evt_dash_${n++}`, created: at(when), livemode: true }));
    expect(res.status, JSON.stringify(res.json)).to.equal(200);
  };
  for (const [i, [tenant, currency, amount, when]] of customers.entries()) {
    const metadata = { tenant_id: tenant };
    await deliver('customer.subscription.created', 'subscription', {
      id: `sub_dash_${i}`, customer: `cus_dash_${i}`, status: 'active', currency, created: at(when), livemode: true, metadata,
      items: { object: 'list', data: [{ id: `si_dash_${i}`, quantity: 1, price: { id: `price_dash_${currency}`, currency, unit_amount: amount, recurring: { interval: 'month', interval_count: 1 } } }] },
    }, when);
    const failed = currency === 'eur';
    await deliver(failed ? 'invoice.payment_failed' : 'invoice.paid', 'invoice', {
      id: `in_dash_${i}`, number: `DASH-${i}`, customer: `cus_dash_${i}`, subscription: `sub_dash_${i}`, status: failed ? 'open' : 'paid', currency,
      amount_due: amount, amount_paid: failed ? 0 : amount, amount_remaining: failed ? amount : 0, charge: `ch_dash_${i}`, payment_intent: `pi_dash_${i}`,
      created: at(when), period_start: at(when), period_end: at(when) + 31 * 86_400, status_transitions: { paid_at: failed ? null : at(when) },
      livemode: true, metadata: {}, subscription_details: { metadata },
    }, when);
  }
  const usd = { tenant_id: tenants[0]! };
  await deliver('charge.refunded', 'charge', {
    id: 'ch_dash_0', customer: 'cus_dash_0', invoice: 'in_dash_0', payment_intent: 'pi_dash_0', amount: 4900, amount_captured: 4900, amount_refunded: 1000, refunded: false, currency: 'usd', livemode: true, metadata: usd,
  }, '2026-10-10T10:00:00Z');
  await deliver('charge.dispute.created', 'dispute', {
    id: 'dp_dash_0', charge: 'ch_dash_0', payment_intent: 'pi_dash_0', amount: 3900, currency: 'usd', status: 'needs_response', reason: 'fraudulent', livemode: true, metadata: usd, created: at('2026-10-15T10:00:00Z'),
  }, '2026-10-15T10:00:00Z');
}
