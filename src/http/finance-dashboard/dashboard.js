/* global document, fetch, sessionStorage, setTimeout, URL, URLSearchParams -- runs in the browser */
// The finance dashboard: plain ES module, no build step. It reads the finance API with the key
// kept in sessionStorage (this tab only) and renders figures, tables and an inline SVG chart.
// Amounts arrive as decimal strings in major units (the API edge) and are only formatted here.

const KEY_ITEM = 'ledger.financeKey';
const SVG = 'http://www.w3.org/2000/svg';
const PAGE_LIMIT = 100;
/** Rows of the month's movements shown; the CSV export has them all. */
const MOVEMENTS_SHOWN = 500;
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

function money(decimal, currency) {
  if (decimal === null || decimal === undefined) return '–';
  const code = String(currency).toUpperCase();
  const format = new Intl.NumberFormat('en-US', { style: 'currency', currency: code });
  const digits = format.resolvedOptions().maximumFractionDigits;
  // Display only: the API's decimal string is exact, Number is exact enough for showing it.
  return new Intl.NumberFormat('en-US', { style: 'currency', currency: code, minimumFractionDigits: digits, maximumFractionDigits: digits }).format(Number(decimal));
}

const percent = (rate) => (rate === null || rate === undefined ? '–' : `${(rate * 100).toFixed(1)}%`);
const day = (iso) => (iso ? iso.slice(0, 10) : '–');
const moneyList = (items) => (items.length ? items.map((i) => money(i.amount, i.currency)).join(' · ') : 'none');

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

// ---- the API's shapes, read in one place

/** The metrics of each month, and each currency's MRR series. */
function readMetrics(json) {
  const months = json.months.map((m) => m.month);
  const currencies = [...new Set(json.months.flatMap((m) => m.mrr.map((c) => c.currency)))].sort();
  const series = currencies.map((currency) => ({
    currency,
    values: json.months.map((m) => m.mrr.find((c) => c.currency === currency)?.end ?? '0'),
  }));
  return { months, series, last: json.months.at(-1) };
}

function renderFigures(month) {
  $('fig-mrr').textContent = month.mrr.length ? month.mrr.map((c) => money(c.end, c.currency)).join(' · ') : 'none';
  $('fig-success-rate').textContent = percent(month.payments.success_rate);
  const awaiting = month.payments.failed
    .map((f) => ({ currency: f.currency, invoices: f.invoices - f.recovered_invoices, amount: f.awaiting_amount }))
    .filter((f) => f.invoices > 0);
  $('fig-awaiting').textContent = awaiting.length ? awaiting.map((f) => `${f.invoices} (${money(f.amount, f.currency)})`).join(' · ') : 'none';
  $('fig-refunds').textContent = moneyList(month.refunds);
  $('fig-disputes').textContent = moneyList(month.disputes.opened);
}

const movementColumns = [(r) => day(r.occurred_at), (r) => r.tenant_id, (r) => r.kind, (r) => r.status, (r) => money(r.amount, r.currency), (r) => money(r.net_amount, r.currency)];

// ---- flow

async function load() {
  const month = $('month').value;
  const status = $('status');
  status.textContent = 'Loading…';
  try {
    const from = addMonths(month, -11);
    const [metrics, movements, failed, refunds, disputes] = await Promise.all([
      getJson(`/api/v1/finance/metrics?${new URLSearchParams({ from, to: month, interval: 'month' })}`),
      list('/api/v1/finance/payments', { from: monthStart(month), to: monthStart(addMonths(month, 1)), sort: 'occurred_at' }, MOVEMENTS_SHOWN),
      list('/api/v1/finance/payments', { kind: 'failed_payment', awaiting_recovery: 'true', sort: '-occurred_at' }, RECENT),
      list('/api/v1/finance/payments', { kind: 'refund', sort: '-occurred_at' }, RECENT),
      list('/api/v1/finance/payments', { kind: 'dispute_opened,dispute_won,dispute_lost', sort: '-occurred_at' }, RECENT),
    ]);
    const { months, series, last } = readMetrics(metrics);
    renderFigures(last);
    renderMrrChart(months, series);
    $('movements-month').textContent = monthLabel(month);
    fillTable($('movements'), movements.rows, movementColumns, 'No money moved this month.');
    const more = $('movements-more');
    more.hidden = !movements.more;
    more.textContent = `The first ${MOVEMENTS_SHOWN} movements are shown; the CSV export has them all.`;
    fillTable($('failed'), failed.rows, [(r) => day(r.occurred_at), (r) => r.tenant_id, (r) => r.stripe_invoice_id ?? '–', (r) => money(r.amount, r.currency), (r) => r.failure_message ?? r.reason ?? '–'], 'No failed payment is awaiting recovery.');
    const recent = [...refunds.rows, ...disputes.rows].sort((a, b) => (a.occurred_at < b.occurred_at ? 1 : -1)).slice(0, RECENT);
    fillTable($('refunds-disputes'), recent, [(r) => day(r.occurred_at), (r) => r.tenant_id, (r) => r.kind, (r) => r.status, (r) => money(r.amount, r.currency), (r) => r.reason ?? '–'], 'No refunds or disputes.');
    status.textContent = `Updated ${new Date().toLocaleTimeString('en-US')}.`;
  } catch (error) {
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
    const query = new URLSearchParams({ format: 'csv', from: monthStart(month), to: monthStart(addMonths(month, 1)) });
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

$('month').value = monthOf(new Date());
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
