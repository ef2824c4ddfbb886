/* global document, fetch, location, sessionStorage, setTimeout, URL, URLSearchParams -- runs in the browser */
// The finance dashboard: plain ES module, no build step. It reads the finance API with the key
// kept in sessionStorage (this tab only) and renders figures, tables and an inline SVG chart.
// Amounts arrive as integers in minor units beside their currency; only their display is made here.

const KEY_ITEM = 'ledger.financeKey';
const SVG = 'http://www.w3.org/2000/svg';
const PAGE_LIMIT = 100;
/** Rows of the month's payments shown; the CSV export has them all. */
const PAYMENTS_SHOWN = 500;
const RECENT = 20;

const $ = (id) => document.getElementById(id);

class KeyRefused extends Error {}

let key = sessionStorage.getItem(KEY_ITEM);

async function call(path, accept = 'application/json') {
  const response = await fetch(path, { headers: { authorization: `Bearer ${key}`, accept } });
  if (response.status === 401 || response.status === 403) {
    const body = await response.json().catch(() => ({}));
    throw new KeyRefused(body.error?.message ?? `the API answered ${response.status}`);
  }
  if (!response.ok) {
    const body = await response.json().catch(() => ({}));
    throw new Error(body.error?.message ?? `the API answered ${response.status}`);
  }
  return response;
}

const getJson = async (path) => (await call(path)).json();

/** Every page of a cursor-paginated list, up to `max` rows. */
async function list(path, params, max) {
  const rows = [];
  let cursor = null;
  do {
    const query = new URLSearchParams({ ...params, limit: String(Math.min(PAGE_LIMIT, max - rows.length)) });
    if (cursor) query.set('cursor', cursor);
    const page = await getJson(`${path}?${query}`);
    rows.push(...page.data);
    cursor = page.nextCursor ?? null;
  } while (cursor && rows.length < max);
  return { rows, more: cursor !== null };
}

// ---- months and money

const monthOf = (date) => date.toISOString().slice(0, 7);
function addMonths(month, n) {
  const [y, m] = month.split('-').map(Number);
  return monthOf(new Date(Date.UTC(y, m - 1 + n, 1)));
}
const monthStart = (month) => `${month}-01T00:00:00.000Z`;
const monthLabel = (month) => new Date(monthStart(month)).toLocaleDateString('en-US', { month: 'short', year: 'numeric', timeZone: 'UTC' });

/** The ledger's currency exponents (those other than 2), put in the page by the server. */
const EXPONENTS = JSON.parse(document.getElementById('currency-exponents').textContent);
const exponent = (code) => EXPONENTS[code] ?? 2;

/** An amount in minor units, shown in major units: exact digits, handed to Intl as a decimal string. */
function money(minor, currency) {
  if (minor === null || minor === undefined) return '–';
  const code = String(currency).toUpperCase();
  const digits = exponent(code);
  const negative = minor < 0;
  const text = String(Math.abs(minor)).padStart(digits + 1, '0');
  const decimal = `${negative ? '-' : ''}${text.slice(0, text.length - digits)}${digits ? `.${text.slice(text.length - digits)}` : ''}`;
  return new Intl.NumberFormat('en-US', { style: 'currency', currency: code, minimumFractionDigits: digits, maximumFractionDigits: digits }).format(decimal);
}

const percent = (rate) => (rate === null || rate === undefined ? '–' : `${(rate * 100).toFixed(1)}%`);
const day = (iso) => (iso ? iso.slice(0, 10) : '–');
const moneyList = (items, amount = (i) => i.amount_minor) => (items.length ? items.map((i) => money(amount(i), i.currency)).join(' · ') : 'none');
const signed = (minor, currency) => `${minor > 0 ? '+' : ''}${money(minor, currency)}`;

// ---- rendering

function cell(row, text, header = false) {
  const td = document.createElement(header ? 'th' : 'td');
  if (header) td.scope = 'row';
  td.textContent = text;
  row.append(td);
}

function fillTable(table, rows, columns, emptyText) {
  const body = table.tBodies[0];
  body.replaceChildren();
  if (!rows.length) {
    const tr = body.insertRow();
    const td = tr.insertCell();
    td.colSpan = table.tHead.rows[0].cells.length;
    td.className = 'empty';
    td.textContent = emptyText;
    return;
  }
  for (const row of rows) {
    const tr = body.insertRow();
    for (const column of columns) cell(tr, column(row));
  }
}

function svg(name, attributes = {}, text) {
  const element = document.createElementNS(SVG, name);
  for (const [k, v] of Object.entries(attributes)) element.setAttribute(k, String(v));
  if (text !== undefined) element.textContent = text;
  return element;
}

/** One small line chart per currency: amounts in different currencies share no axis. */
function renderMrrChart(months, series) {
  const host = $('mrr-chart');
  host.replaceChildren();
  const [width, height, left, right, top, bottom] = [640, 170, 70, 12, 24, 26];
  for (const { currency, values } of series) {
    const numbers = values.map((v) => (v === null ? 0 : Number(v)));
    const max = Math.max(...numbers, 0) || 1;
    const x = (i) => left + (months.length === 1 ? 0 : (i * (width - left - right)) / (months.length - 1));
    const y = (v) => top + (height - top - bottom) * (1 - v / max);
    const id = `mrr-chart-${currency}`;
    const chart = svg('svg', { viewBox: `0 0 ${width} ${height}`, role: 'img', 'aria-labelledby': `${id}-title ${id}-desc` });
    chart.append(
      svg('title', { id: `${id}-title` }, `MRR in ${currency}`),
      svg('desc', { id: `${id}-desc` }, `From ${money(values[0], currency)} in ${monthLabel(months[0])} to ${money(values.at(-1), currency)} in ${monthLabel(months.at(-1))}; the table below has every month.`),
      svg('text', { x: 0, y: 14, 'font-weight': 'bold' }, currency),
      svg('text', { x: left - 6, y: y(max) + 4, 'text-anchor': 'end' }, money(max, currency)),
      svg('text', { x: left - 6, y: y(0) + 4, 'text-anchor': 'end' }, money(0, currency)),
      svg('line', { x1: left, y1: y(0), x2: width - right, y2: y(0), stroke: 'currentColor', 'stroke-opacity': 0.3 }),
      svg('text', { x: x(0), y: height - 6 }, monthLabel(months[0])),
      svg('text', { x: x(months.length - 1), y: height - 6, 'text-anchor': 'end' }, monthLabel(months.at(-1))),
      svg('polyline', { points: numbers.map((v, i) => `${x(i)},${y(v)}`).join(' '), fill: 'none', stroke: '#3b5bdb', 'stroke-width': 2 }),
    );
    numbers.forEach((v, i) => chart.append(svg('circle', { cx: x(i), cy: y(v), r: 3, fill: '#3b5bdb' }, undefined)));
    host.append(chart);
  }
  if (!series.length) {
    const p = document.createElement('p');
    p.className = 'empty';
    p.textContent = 'No recurring revenue in these months.';
    host.append(p);
  }
  const table = $('mrr-table');
  const head = table.tHead;
  head.replaceChildren();
  const hr = head.insertRow();
  for (const text of ['Month', ...series.map((s) => s.currency)]) {
    const th = document.createElement('th');
    th.scope = 'col';
    th.textContent = text;
    hr.append(th);
  }
  const body = table.tBodies[0];
  body.replaceChildren();
  months.forEach((month, i) => {
    const tr = body.insertRow();
    cell(tr, monthLabel(month), true);
    for (const s of series) cell(tr, money(s.values[i], s.currency));
  });
}

// ---- the API's shapes (GET /api/v1/finance/metrics and /payments)

function mrrSeries(months) {
  const currencies = [...new Set(months.flatMap((m) => m.mrr.map((c) => c.currency)))].sort();
  return currencies.map((currency) => ({ currency, values: months.map((m) => m.mrr.find((c) => c.currency === currency)?.end_minor ?? 0) }));
}

/** Failed invoices not paid since, per currency, over the months shown. */
function awaitingRecovery(months) {
  const byCurrency = new Map();
  for (const m of months) {
    for (const f of m.payments.failed) {
      const sum = byCurrency.get(f.currency) ?? { currency: f.currency, invoices: 0, amount_minor: 0 };
      sum.invoices += f.invoices - f.recovered_invoices;
      sum.amount_minor += f.amount_minor - f.recovered_amount_minor;
      byCurrency.set(f.currency, sum);
    }
  }
  return [...byCurrency.values()].filter((s) => s.invoices > 0).sort((a, b) => (a.currency < b.currency ? -1 : 1));
}

function renderFigures(months) {
  const month = months.at(-1);
  $('fig-mrr').textContent = month.mrr.length ? month.mrr.map((c) => money(c.end_minor, c.currency)).join(' · ') : 'none';
  $('fig-mrr-change').textContent = month.mrr.length ? month.mrr.map((c) => signed(c.net_change_minor, c.currency)).join(' · ') : 'none';
  const { succeeded, failed_attempts: failed, success_rate: rate } = month.payments;
  $('fig-success-rate').textContent = rate === null ? 'no payments' : `${percent(rate)} (${succeeded} paid, ${failed} failed)`;
  const awaiting = awaitingRecovery(months);
  $('fig-awaiting').textContent = awaiting.length ? awaiting.map((a) => `${a.invoices} · ${money(a.amount_minor, a.currency)}`).join('; ') : 'none';
  $('fig-refunds').textContent = moneyList(month.refunds);
  $('fig-disputes').textContent = month.disputes.opened.length ? moneyList(month.disputes.opened) : 'none';
}

const paymentColumns = [(p) => day(p.paid_at), (p) => p.tenant_id, (p) => p.invoice_number ?? p.invoice_id, (p) => p.status.replace('_', ' ')];

// ---- flow

/** Bumped by each load, so that an older answer arriving late never paints over a newer month. */
let loads = 0;

async function load() {
  const generation = ++loads;
  const month = $('month').value;
  const status = $('status');
  status.textContent = 'Loading…';
  try {
    const monthRange = { paid_from: monthStart(month), paid_to: monthStart(addMonths(month, 1)), livemode: 'true' };
    const [metrics, payments, refunded] = await Promise.all([
      getJson(`/api/v1/finance/metrics?${new URLSearchParams({ from: addMonths(month, -11), to: month, interval: 'month' })}`),
      list('/api/v1/finance/payments', { ...monthRange, sort: 'paid_at' }, PAYMENTS_SHOWN),
      list('/api/v1/finance/payments', { status: 'partially_refunded,refunded', livemode: 'true', sort: '-paid_at' }, RECENT),
    ]);
    if (generation !== loads) return;
    const months = metrics.months;
    const current = months.at(-1);
    for (const name of document.querySelectorAll('.month-name')) name.textContent = monthLabel(month);
    renderFigures(months);
    renderMrrChart(months.map((m) => m.month), mrrSeries(months));
    fillTable($('movements'), current.mrr, [(c) => c.currency, (c) => money(c.start_minor, c.currency), (c) => money(c.new_minor, c.currency), (c) => money(c.expansion_minor, c.currency), (c) => money(c.reactivation_minor, c.currency), (c) => money(-c.contraction_minor, c.currency), (c) => money(-c.churned_minor, c.currency), (c) => money(c.end_minor, c.currency)], 'No recurring revenue this month.');
    fillTable($('payments'), payments.rows, [...paymentColumns, (p) => money(p.amount_minor, p.currency), (p) => money(p.amount_refunded_minor, p.currency), (p) => money(p.net_amount_minor, p.currency)], 'No payments this month.');
    const more = $('payments-more');
    more.hidden = !payments.more;
    more.textContent = `The first ${PAYMENTS_SHOWN} payments are shown; the CSV export has them all.`;
    const failedRows = months.flatMap((m) => m.payments.failed.map((f) => ({ month: m.month, ...f }))).reverse();
    fillTable($('failed'), failedRows, [(f) => monthLabel(f.month), (f) => f.currency, (f) => String(f.invoices), (f) => String(f.recovered_invoices), (f) => String(f.invoices - f.recovered_invoices), (f) => money(f.amount_minor - f.recovered_amount_minor, f.currency)], 'No failed payments in these months.');
    const eventful = months.filter((m) => m.refunds.length || m.disputes.opened.length || m.disputes.won || m.disputes.lost.length).reverse();
    fillTable($('refunds-disputes'), eventful, [(m) => monthLabel(m.month), (m) => moneyList(m.refunds), (m) => moneyList(m.disputes.opened), (m) => String(m.disputes.won), (m) => moneyList(m.disputes.lost)], 'No refunds or disputes in these months.');
    fillTable($('refunded-payments'), refunded.rows, [...paymentColumns, (p) => money(p.amount_minor, p.currency), (p) => money(p.amount_refunded_minor, p.currency)], 'No refunded payments.');
    status.textContent = `Updated ${new Date().toLocaleTimeString('en-US')}.`;
  } catch (error) {
    if (generation !== loads) return;
    if (error instanceof KeyRefused) return signOut(`The key was refused: ${error.message}`);
    status.textContent = `Could not load the figures: ${error.message}`;
  }
}

/** The key travels in a header, so the CSV is fetched and handed to the browser as a Blob. */
async function exportCsv() {
  const month = $('month').value;
  const status = $('status');
  status.textContent = 'Preparing the export…';
  try {
    const query = new URLSearchParams({ format: 'csv', paid_from: monthStart(month), paid_to: monthStart(addMonths(month, 1)), livemode: 'true', sort: 'paid_at' });
    const blob = await (await call(`/api/v1/finance/payments?${query}`, 'text/csv')).blob();
    const url = URL.createObjectURL(blob);
    const link = Object.assign(document.createElement('a'), { href: url, download: `payments-${month}.csv` });
    document.body.append(link);
    link.click();
    link.remove();
    setTimeout(() => URL.revokeObjectURL(url), 10_000);
    status.textContent = `Exported payments-${month}.csv.`;
  } catch (error) {
    if (error instanceof KeyRefused) return signOut(`The key was refused: ${error.message}`);
    status.textContent = `Could not export: ${error.message}`;
  }
}

function signOut(message = '') {
  key = null;
  sessionStorage.removeItem(KEY_ITEM);
  $('dashboard').hidden = true;
  $('sign-in').hidden = false;
  $('key-error').textContent = message;
  $('key').focus();
}

function signIn() {
  $('sign-in').hidden = true;
  $('dashboard').hidden = false;
  return load();
}

// ?month=YYYY-MM opens that month (a link finance can share); else the current one.
const asked = new URLSearchParams(location.search).get('month');
$('month').value = /^\d{4}-(0[1-9]|1[0-2])$/.test(asked ?? '') ? asked : monthOf(new Date());
$('month').addEventListener('change', () => $('month').value && load());
$('export').addEventListener('click', exportCsv);
$('forget').addEventListener('click', () => signOut());
$('key-form').addEventListener('submit', (event) => {
  event.preventDefault();
  const entered = $('key').value.trim();
  if (!entered) {
    $('key-error').textContent = 'Enter a finance key.';
    return;
  }
  key = entered;
  sessionStorage.setItem(KEY_ITEM, key);
  $('key').value = '';
  $('key-error').textContent = '';
  void signIn();
});
if (key) void signIn();
