/**
 * `npm run bench:finance-export`: seeds payments into a scratch store and exports them as CSV
 * through the API (GET /api/v1/finance/payments?format=csv) and the CLI (`ledger finance export`),
 * printing rows/s and the peak resident memory sampled during each export. It exports a tenth of
 * the rows first, then all of them: flat memory is the same peak for both. Each export runs a
 * second time with a full collection every 200 ms, for the live heap beside the RSS: RSS also
 * counts the garbage V8 has yet to collect, the live heap only what is still referenced (it
 * grows with the rows only if something is kept per row). The payments are written straight
 * into the read model (the export reads nothing else); on a server it uses a scratch database,
 * embedded a temp directory, so your data is never touched.
 */
import { spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import { Command } from 'commander';
import { sql } from 'kysely';
import { withoutStatementTimeout } from '../adapters/db/long-running.ts';
import { exitOnMistake, positiveCount } from '../src/cli/arguments.ts';
import { startCommand } from '../src/cli/command-start.ts';
import { loadConfig } from '../src/config.ts';
import { buildHttpApp } from '../src/http/app.ts';
import { openLedger, type Ledger } from '../src/ledger.ts';
import { createLogger } from '../src/logger.ts';
import { createMetrics } from '../src/metrics.ts';
import { LIVE_HEAP_LINE, sampleLiveHeap } from './lib/live-heap.ts';
import { scratchStore } from './lib/scratch-store.ts';
import { TS_NODE_ARGS } from './lib/node-args.ts';

const CLI = new URL('../src/cli/main.ts', import.meta.url).pathname;
const PROBE = new URL('./lib/live-heap-probe.ts', import.meta.url).pathname;
const T0 = Date.UTC(2026, 0, 1) / 1000;

startCommand();
const options = new Command('bench-finance-export')
  .exitOverride(exitOnMistake)
  .option('--payments <n>', 'payments to seed and export', positiveCount, 100_000)
  .option('--tenants <n>', 'tenants they are spread over', positiveCount, 50)
  .parse()
  .opts<{ payments: number; tenants: number }>();

// A full collection on demand, for the API's live heap (server and client are this process).
setFlagsFromString('--expose-gc');
const gc = runInNewContext('gc') as () => void;

const mib = (bytes: number) => `${(bytes / 1024 / 1024).toFixed(0)} MiB`;

/** Resident memory of a process, from /proc (Linux); this process's from Node itself. */
function rssOf(pid: number): number {
  if (pid === process.pid) return process.memoryUsage.rss();
  const match = /VmRSS:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
  return match ? Number(match[1]) * 1024 : 0;
}

/** Samples `pid`'s RSS every 20 ms until stopped; returns the peak. */
function sampleRss(pid: number): () => number {
  let peak = rssOf(pid);
  const timer = setInterval(() => {
    try {
      peak = Math.max(peak, rssOf(pid));
    } catch {
      // The process has just ended.
    }
  }, 20);
  return () => (clearInterval(timer), peak);
}

/** Payments spread over days of 2026, tenants, currencies, statuses and modes; straight into the read model. */
async function seed(ledger: Ledger, count: number, tenants: number): Promise<void> {
  const ids: string[] = [];
  for (let i = 0; i < tenants; i++) ids.push((await ledger.tenants.create(`Bench tenant ${i}`)).tenant.id);
  // One statement for every row: longer than the ledger's statement timeout allows its own queries.
  await withoutStatementTimeout(ledger.database.db, (trx) => sql`
    insert into payments (id, tenant_id, stripe_invoice_id, stripe_payment_intent_id, stripe_charge_id, stripe_customer_id, stripe_subscription_id,
      invoice_number, amount_minor, amount_refunded_minor, currency, status, description, paid_at, period_start, period_end, receipt_url, invoice_created, livemode)
    select gen_random_uuid(), (${ids}::uuid[])[1 + n % ${tenants}], 'in_bench_' || n, 'pi_bench_' || n, 'ch_bench_' || n, 'cus_bench_' || (n % ${tenants}), 'sub_bench_' || n,
      'BENCH-' || n, 1000 + n % 50000, case when n % 20 = 0 then 500 else 0 end, (array['USD','EUR','JPY'])[1 + n % 3],
      case when n % 20 = 0 then 'partially_refunded' else 'succeeded' end, 'Professional plan, monthly',
      to_timestamp(${T0} + n * (31536000 / ${count})), to_timestamp(${T0} + n * (31536000 / ${count})), to_timestamp(${T0} + n * (31536000 / ${count}) + 2592000),
      'https://invoice.stripe.com/i/in_bench_' || n, to_timestamp(${T0} + n * (31536000 / ${count})), n % 10 <> 0
    from generate_series(1, ${count}) as n`.execute(trx));
  await sql`analyze payments`.execute(ledger.database.db);
}

interface Measured {
  rows: number;
  seconds: number;
  peakRss: number;
  baseRss: number;
}

/** The RSS run, then the live heap from a second run with full collections. */
type Measure = (liveHeap: boolean) => Promise<Measured & { liveHeap?: number }>;

async function measured(run: Measure): Promise<Measured & { liveHeap: number }> {
  const plain = await run(false);
  const { liveHeap, rows } = await run(true);
  if (liveHeap === undefined || rows !== plain.rows) throw new Error(`the live heap run exported ${rows} rows, not ${plain.rows}`);
  return { ...plain, liveHeap };
}

const viaApi = (baseUrl: string, apiKey: string, paidTo: string): Measure => async (liveHeap) => {
  const baseRss = process.memoryUsage.rss();
  const peak = sampleRss(process.pid);
  const live = liveHeap ? sampleLiveHeap(gc) : undefined;
  const started = performance.now();
  const response = await fetch(`${baseUrl}/api/v1/finance/payments?format=csv&sort=paid_at&paid_to=${paidTo}`, { headers: { authorization: `Bearer ${apiKey}` } });
  if (!response.ok || !response.body) throw new Error(`the API answered ${response.status}: ${await response.text()}`);
  let lines = 0;
  for await (const chunk of response.body) for (const byte of chunk as Uint8Array) if (byte === 10) lines++;
  return { rows: lines - 1, seconds: (performance.now() - started) / 1000, peakRss: peak(), baseRss, liveHeap: live?.() };
};

const viaCli = (env: NodeJS.ProcessEnv, to: string): Measure => async (liveHeap) => {
  const started = performance.now();
  const probe = liveHeap ? ['--expose-gc', '--import', PROBE] : [];
  const child = spawn(process.execPath, [...TS_NODE_ARGS, ...probe, CLI, 'finance', 'export', '--from', '2026-01-01', '--to', to, '--format', 'csv'], { env, stdio: ['ignore', 'pipe', 'pipe'] });
  const baseRss = rssOf(child.pid!);
  const peak = sampleRss(child.pid!);
  let lines = 0;
  let stderr = '';
  child.stdout.on('data', (chunk: Buffer) => {
    for (const byte of chunk) if (byte === 10) lines++;
  });
  child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
  const code = await new Promise<number | null>((resolve) => child.on('close', resolve));
  const peakRss = peak();
  if (code !== 0) throw new Error(`ledger finance export exited ${code}: ${stderr}`);
  const live = LIVE_HEAP_LINE.exec(stderr);
  return { rows: lines - 1, seconds: (performance.now() - started) / 1000, peakRss, baseRss, liveHeap: live ? Number(live[1]) : undefined };
};

function line(how: string, m: Measured & { liveHeap: number }): string {
  return `${how.padEnd(5)} ${String(m.rows).padStart(7)} rows in ${m.seconds.toFixed(1).padStart(5)} s: ${String(Math.round(m.rows / m.seconds)).padStart(6)} rows/s, peak RSS ${mib(m.peakRss)} (at start ${mib(m.baseRss)}), live heap after GC ${mib(m.liveHeap)}`;
}

const store = await scratchStore();
try {
  const env = { ...process.env, ...store.env, LOG_LEVEL: 'warn' };
  const config = loadConfig(env);
  const tenthTo = new Date((T0 + (options.payments / 10) * Math.floor(31536000 / options.payments) + 1) * 1000).toISOString();
  console.log(`finance export benchmark: ${options.payments} payments over ${options.tenants} tenants, ${store.label}, Node ${process.version}`);
  const ledger = await openLedger(config, { command: 'bench-finance-export' });
  try {
    const seeding = performance.now();
    await seed(ledger, options.payments, options.tenants);
    console.log(`seeded in ${((performance.now() - seeding) / 1000).toFixed(1)} s`);
    const app = buildHttpApp(ledger, { logger: createLogger('warn'), metrics: createMetrics(), webhookSecrets: ['whsec_bench'] });
    const address = await app.listen({ port: 0, host: '127.0.0.1' });
    try {
      const { secret } = await ledger.apiKeys.issue({ scope: 'finance', name: 'bench' });
      // Server and client in this one process: the RSS is both.
      console.log(line('API', await measured(viaApi(address, secret, tenthTo))));
      console.log(line('API', await measured(viaApi(address, secret, '2027-01-01T00:00:00Z'))));
    } finally {
      await app.close();
    }
  } finally {
    await ledger.close();
  }
  // The embedded store admits one process: the CLI runs once the ledger above is closed.
  console.log(line('CLI', await measured(viaCli(env, tenthTo))));
  console.log(line('CLI', await measured(viaCli(env, '2027-01-01'))));
} finally {
  await store.drop();
}
