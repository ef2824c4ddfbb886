/**
 * `npm run bench`: webhook ingest throughput and latency over HTTP at several concurrencies, each
 * next to its ceilings measured in the same run on the same database (a JSONB insert per
 * transaction, the same rows in batches, a bare HTTP server that only verifies the signature)
 * and the ratio; append-to-read-model lag under a steady load; what an idle ledger asks of the
 * database; projection rebuild speed and peak memory. On the store in use (DATABASE_URL's server, else the embedded store; the log in EventStoreDB
 * when EVENTSTORE_CONNECTION_STRING is set, or in the in-repo wire double with --esdb-double). It
 * never touches your read models: on a server it creates and drops a scratch database, embedded
 * it uses a temp directory. In EventStoreDB it writes streams of new tenants, which stay.
 */
import { spawn } from 'node:child_process';
import { openSync, readdirSync, readFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { join } from 'node:path';
import { Command } from 'commander';
import pg from 'pg';
import { openDatabase } from '../adapters/db/database.ts';
import { exitOnMistake, positiveCount } from '../src/cli/arguments.ts';
import { loadConfig } from '../src/config.ts';
import { describeEventStore } from '../adapters/eventstore/esdb/describe.ts';
import { openLedger } from '../src/ledger.ts';
import { scratchStore } from './lib/scratch-store.ts';
import { syntheticStripeEvent } from './lib/synthetic-stripe-events.ts';
import { insertCeilings } from './bench/ceilings.ts';
import { formatShares, summariseCpuProfile, type CpuProfile } from './bench/cpu-profile-summary.ts';
import { watchPostgresCpu } from './bench/process-cpu.ts';
import { drive, fmt, type Driven } from './bench/drive.ts';
import { fillLog } from './bench/fill-log.ts';
import { webhookSender as sender } from './bench/webhook-sender.ts';
import { idleTransactionsPerSecond, readModelLag } from './bench/lag.ts';
import { TS_NODE_ARGS } from './lib/node-args.ts';

const SECRET = 'whsec_benchmark_secret';
const CLI = new URL('../src/cli/main.ts', import.meta.url).pathname;
const DOUBLE = new URL('./esdb-double.ts', import.meta.url).pathname;
const BARE = new URL('./bench/bare-webhook-server.ts', import.meta.url).pathname;

const countList = (value: string) => {
  const list = value.split(',').map((n) => positiveCount(n));
  return [...new Set(list)].sort((a, b) => a - b);
};

const options = new Command('bench')
  .exitOverride(exitOnMistake)
  .option('--requests <n>', 'webhooks to send over HTTP at each concurrency (a third of it at concurrency 1)', positiveCount, 3000)
  .option('--concurrency <list>', 'requests in flight at once, comma-separated', countList, [1, 16, 64])
  .option('--events <list>', 'events in the log for the rebuild measurements, comma-separated: the log is filled to each in turn and rebuilt', countList, [100_000])
  .option('--million', 'rebuild at 100,000 and at 1,000,000 events (--events 100000,1000000); filling the log takes a while')
  .option('--lag-rate <n>', 'webhooks a second for the lag measurement', positiveCount, 200)
  .option('--lag-seconds <n>', 'how long the lag measurement runs', positiveCount, 10)
  .option('--tenants <n>', 'tenants the events are spread over', positiveCount, 20)
  .option('--esdb-double', 'keep the log in the in-repo EventStoreDB wire double (its own process, in memory)')
  .option('--profile-rebuild', "run the rebuild under V8's CPU profiler and print where its time went")
  .option('--rebuild-batch <n>', 'events the rebuild reads at a time (its --batch; default: the CLI default)', positiveCount)
  .parse()
  .opts<{ requests: number; concurrency: number[]; events: number[]; million?: boolean; lagRate: number; lagSeconds: number; tenants: number; esdbDouble?: boolean; profileRebuild?: boolean; rebuildBatch?: number }>();
if (options.million) options.events = [...new Set([...options.events, 100_000, 1_000_000])].sort((a, b) => a - b);

const requestsAt = (concurrency: number) => (concurrency === 1 ? Math.ceil(options.requests / 3) : options.requests);

/** A child process that prints its address on its first line of stdout. */
async function startPrinting(args: string[], env: NodeJS.ProcessEnv): Promise<{ address: string; stop: () => Promise<void> }> {
  const child = spawn(process.execPath, args, { env, stdio: ['ignore', 'pipe', 'inherit'] });
  const address = await new Promise<string>((resolve, reject) => {
    let seen = '';
    child.stdout.on('data', (chunk: Buffer) => {
      seen += chunk.toString();
      if (seen.includes('\n')) resolve(seen.split('\n')[0]!.trim());
    });
    child.on('exit', (code) => reject(new Error(`${args.join(' ')} exited (${code}) before printing its address`)));
  });
  return {
    address,
    stop: async () => {
      if (child.exitCode !== null) return;
      child.kill('SIGTERM');
      await new Promise((r) => child.on('exit', r));
    },
  };
}

const webhookSender = (base: string, events: readonly { id: string; body: string }[], connections: number) => sender(base, events, connections, SECRET);

const ratio = (ledger: Driven, ceiling: Driven) => `${(ledger.perSecond / ceiling.perSecond).toFixed(2)}×`;

async function freePort(): Promise<number> {
  return new Promise((resolve) => {
    const server = createServer().listen(0, '127.0.0.1', () => {
      const { port } = server.address() as { port: number };
      server.close(() => resolve(port));
    });
  });
}

/** Where the log lives, when not beside the read models. */
async function eventLog(): Promise<{ env: NodeJS.ProcessEnv; label: string; stop: () => Promise<void> }> {
  const live = process.env.EVENTSTORE_CONNECTION_STRING;
  if (options.esdbDouble) {
    if (live) throw new Error('--esdb-double and EVENTSTORE_CONNECTION_STRING both name a log: choose one');
    const double = spawn(process.execPath, [...TS_NODE_ARGS, DOUBLE, '--port', String(await freePort())], { stdio: ['ignore', 'pipe', 'ignore'] });
    const connectionString = await new Promise<string>((resolve, reject) => {
      let seen = '';
      double.stdout.on('data', (chunk: Buffer) => {
        seen += chunk.toString();
        if (seen.includes('\n')) resolve(seen.split('\n')[0]!.trim());
      });
      double.on('exit', (code) => reject(new Error(`the EventStoreDB double exited (${code}) before printing its connection string`)));
    });
    return {
      env: { EVENTSTORE_CONNECTION_STRING: connectionString },
      label: 'EventStoreDB wire double (in-repo gRPC server, in memory, on these cores; not a real server)',
      stop: async () => {
        if (double.exitCode !== null) return;
        double.kill('SIGTERM');
        await new Promise((r) => double.on('exit', r));
      },
    };
  }
  if (live) {
    process.stderr.write('writing the log to the EventStoreDB of EVENTSTORE_CONNECTION_STRING: the streams of new tenants it writes stay there\n');
    return { env: { EVENTSTORE_CONNECTION_STRING: live }, label: `EventStoreDB (${describeEventStore(live)})`, stop: async () => {} };
  }
  return { env: {}, label: 'beside the read models', stop: async () => {} };
}

let stopServer = async () => {};
let interrupted = false;
let serverLogTail = () => '';
let rebuildProfile = '';

async function main() {
  const log = await eventLog();
  const store = await scratchStore().catch(async (error: unknown) => {
    await log.stop();
    throw error;
  });
  // Interrupted (Ctrl-C), it still stops its server and removes its scratch store.
  for (const signal of ['SIGINT', 'SIGTERM'] as const) {
    process.once(signal, () => {
      interrupted = true;
      process.stderr.write(`${signal}: stopping the server and removing the scratch store\n`);
      stopServer()
        .then(() => store.drop())
        .then(() => log.stop())
        .finally(() => process.exit(130));
    });
  }
  const env: NodeJS.ProcessEnv = { ...store.env, ...log.env, STRIPE_WEBHOOK_SIGNING_SECRET: SECRET, LOG_LEVEL: 'info', NODE_ENV: 'test' };
  const config = loadConfig({ ...env });
  const rows: [string, string][] = [['store', store.label], ['event log', log.label], ['machine', `${(await import('node:os')).cpus().length} cores, Node ${process.version}`]];
  try {
    // Tenants first, while no server holds the store.
    let ledger = await openLedger(config, { command: 'bench (setup)' });
    const tenantIds: string[] = [];
    for (let i = 0; i < options.tenants; i++) tenantIds.push((await ledger.tenants.create(`Bench ${i}`)).tenant.id);
    await ledger.close();
    const maxConcurrency = Math.max(...options.concurrency);
    const events = Array.from({ length: options.requests + 100 }, (_, i) => syntheticStripeEvent(tenantIds[i % tenantIds.length]!, i));
    const bytes = Math.round(events.reduce((n, e) => n + e.body.length, 0) / events.length);
    rows.push(['webhook bodies', `synthetic signed Stripe deliveries, ${bytes} bytes on average`]);

    // Ceilings (a) and (b), on the same database, before the ledger holds it (the embedded
    // store serves one process: here, this one, over its one connection).
    const direct = env.DATABASE_URL
      ? { pool: new pg.Pool({ connectionString: env.DATABASE_URL, max: maxConcurrency }), close: async () => {} }
      : await (async () => {
          const database = await openDatabase({ dataDir: config.dataDir, command: 'bench (ceilings)' });
          return { pool: database.pool, close: () => database.close() };
        })();
    const ceilings = new Map<number, { single: Driven; batched: Driven }>();
    try {
      for (const c of options.concurrency) {
        ceilings.set(c, await insertCeilings(direct.pool, events.slice(0, requestsAt(c)).map((e) => e.body), c));
      }
    } finally {
      if (env.DATABASE_URL) await direct.pool.end();
      else await direct.close();
    }

    // Ceiling (c): a bare HTTP server that verifies the signature and answers 200, driven alike.
    const bare = await startPrinting([...TS_NODE_ARGS, BARE], { ...process.env, STRIPE_WEBHOOK_SIGNING_SECRET: SECRET });
    const bareSender = webhookSender(bare.address, events, maxConcurrency);
    const http = new Map<number, Driven>();
    try {
      await drive(200, 16, bareSender.send);
      for (const c of options.concurrency) http.set(c, await drive(requestsAt(c), c, bareSender.send));
    } finally {
      await bareSender.close();
      await bare.stop();
    }

    // 1. Ingest over HTTP against `ledger serve` in its own process, projections running.
    const port = await freePort();
    const serverLog = join(config.dataDir, 'serve.log');
    const server = spawn(process.execPath, [...TS_NODE_ARGS, CLI, 'serve'], {
      env: { ...process.env, ...env, PORT: String(port), HOST: '127.0.0.1' },
      stdio: ['ignore', openSync(serverLog, 'w'), 'inherit'],
    });
    stopServer = async () => {
      if (server.exitCode !== null) return;
      server.kill('SIGTERM');
      await new Promise((r) => server.on('exit', r));
    };
    serverLogTail = () => readFileSync(serverLog, 'utf8').split('\n').slice(-5).join('\n');
    const base = `http://127.0.0.1:${port}`;
    for (let i = 0; ; i++) {
      if (i > 600) throw new Error('the server did not start');
      const ok = await fetch(`${base}/healthz`).then((r) => r.ok, () => false);
      if (ok) break;
      await new Promise((r) => setTimeout(r, 100));
    }
    // Each delivery once: a redelivery is a duplicate, cheaper than the real thing.
    let offset = 0;
    const fresh = (n: number) => {
      const slice = Array.from({ length: n }, (_, i) => syntheticStripeEvent(tenantIds[(offset + i) % tenantIds.length]!, offset + i));
      offset += n;
      return slice;
    };
    const warm = webhookSender(base, fresh(100), 16);
    await drive(100, 4, warm.send); // warm-up: JIT, pools
    await warm.close();
    for (const c of options.concurrency) {
      const sender = webhookSender(base, fresh(requestsAt(c)), c);
      const ledgerRun = await drive(requestsAt(c), c, sender.send);
      await sender.close();
      const { single, batched } = ceilings.get(c)!;
      const bareRun = http.get(c)!;
      rows.push(
        [`concurrency ${c}: ceiling (a) one JSONB insert per transaction`, fmt(single, 'rows')],
        [`concurrency ${c}: ceiling (b) the same rows, 100 per insert`, fmt(batched, 'rows')],
        [`concurrency ${c}: ceiling (c) bare HTTP + Stripe signature`, fmt(bareRun, 'requests')],
        [`concurrency ${c}: ledger ingest (signed webhooks over HTTP)`, fmt(ledgerRun, 'webhooks')],
        [`concurrency ${c}: ledger / (a), / (b), / (c)`, `${ratio(ledgerRun, single)}, ${ratio(ledgerRun, batched)}, ${ratio(ledgerRun, bareRun)}`],
      );
    }

    // Lag and idle need the log's tables and a second session: a Postgres server holding the log.
    if (env.DATABASE_URL && !env.EVENTSTORE_CONNECTION_STRING) {
      const watcher = new pg.Pool({ connectionString: env.DATABASE_URL, max: 4 });
      try {
        const sender = webhookSender(base, fresh(Math.round(options.lagRate * (options.lagSeconds + 1)) + 10), 64);
        const lag = await readModelLag(watcher, sender.send, options.lagRate, options.lagSeconds);
        await sender.close();
        rows.push(
          [`append-to-read-model lag at ${options.lagRate} webhooks/s`, `p50 ${lag.p50.toFixed(1)} ms, p99 ${lag.p99.toFixed(1)} ms (${lag.count} webhooks, until all ${lag.projections} projections that follow tenants checkpointed)`],
        );
        const idle = await idleTransactionsPerSecond(watcher, 12_000, 20_000);
        rows.push(['idle ledger: database transactions/s (pg_stat_database)', idle.toFixed(1)]);
      } finally {
        await watcher.end();
      }
    } else {
      rows.push(['lag, idle load', 'measured only with the log on a Postgres server (the embedded store serves one process)']);
    }
    await stopServer();

    // 2. Fill the log to each of --events through the same ingest path, then rebuild every projection.
    let count = offset;
    for (const size of options.events) {
      ledger = await openLedger(config, { command: 'bench (rebuild)' });
      count += await fillLog(ledger, tenantIds, count, Math.max(0, size - count));
      await ledger.close();
      const last = size === options.events.at(-1);
      const rebuilt = await timeRebuild(config.dataDir, env, count, options.profileRebuild === true && last);
      rows.push(...rebuilt.rows);
      if (rebuilt.profile) rebuildProfile = rebuilt.profile;
    }
  } catch (error) {
    if (interrupted) return; // what failed was cut short on purpose; the handler exits
    process.stderr.write(`last lines of the server's log:\n${serverLogTail()}\n`);
    throw error;
  } finally {
    await stopServer();
    await store.drop();
    await log.stop();
  }
  const width = Math.max(...rows.map(([k]) => k.length));
  console.log(`| ${'measure'.padEnd(width)} | value |\n| ${'-'.repeat(width)} | --- |`);
  for (const [k, v] of rows) console.log(`| ${k.padEnd(width)} | ${v} |`);
  if (rebuildProfile) console.log(`\n${rebuildProfile}`);
}

/**
 * `ledger projections rebuild` in a process of its own, so its peak memory is its own: the rows
 * to print for a log of `count` events, and where its time went when profiled.
 */
async function timeRebuild(dataDir: string, env: NodeJS.ProcessEnv, count: number, profile: boolean): Promise<{ rows: [string, string][]; profile?: string }> {
  const rebuildStarted = performance.now();
  const profileDir = join(dataDir, `rebuild-profile-${count}`);
  const postgresCpu = watchPostgresCpu(env.DATABASE_URL);
  const profiling = profile ? ['--cpu-prof', '--cpu-prof-dir', profileDir] : [];
  const batch = options.rebuildBatch ? ['--batch', String(options.rebuildBatch)] : [];
  const rebuild = spawn(process.execPath, [...profiling, ...TS_NODE_ARGS, CLI, 'projections', 'rebuild', ...batch], {
    env: { ...process.env, ...env },
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  let output = '';
  rebuild.stdout.on('data', (chunk) => (output += chunk));
  const code = await new Promise((resolve) => rebuild.on('exit', resolve));
  const processSeconds = (performance.now() - rebuildStarted) / 1000;
  const postgresSeconds = await postgresCpu.stop();
  if (code !== 0) throw new Error(`projections rebuild exited ${code}`);
  const reports = output.trim().split('\n').map((line) => JSON.parse(line) as { projection: string; equal: boolean; eventsApplied: number; seconds: number; peakRssMiB: number });
  for (const report of reports) if (!report.equal) throw new Error(`rebuild of ${report.projection} differs from the live tables`);
  const applied = reports.reduce((n, r) => n + r.eventsApplied, 0);
  // Each report's seconds run from the start of the rebuild (of all of them) to its swap.
  const rebuildSeconds = Math.max(...reports.map((r) => r.seconds));
  const rows: [string, string][] = [
    [
      `rebuild of all projections (\`ledger projections rebuild\`) from ${count} events`,
      `${Math.round(count / rebuildSeconds)} log events/s: ${rebuildSeconds.toFixed(1)} s (${processSeconds.toFixed(1)} s with the process's start), ${reports.length} projections, ${applied} event applications`,
    ],
    [`peak memory of that rebuild process (RSS)`, `${Math.max(...reports.map((r) => r.peakRssMiB))} MiB`],
    ...(env.DATABASE_URL ? [[`Postgres CPU during that rebuild`, `${postgresSeconds.toFixed(1)} s (its backends for this database, WAL writer, checkpointer)`] as [string, string]] : []),
  ];
  if (!profile) return { rows };
  const file = readdirSync(profileDir).find((f) => f.endsWith('.cpuprofile'));
  if (!file) return { rows };
  const summary = summariseCpuProfile(JSON.parse(readFileSync(join(profileDir, file), 'utf8')) as CpuProfile);
  return {
    rows,
    profile: [
      `the ${count}-event rebuild process's main thread: busy ${(summary.busyMs / 1000).toFixed(1)} s, idle (waiting on the database) ${(summary.idleMs / 1000).toFixed(1)} s`,
      formatShares('by kind of work:', summary.byKind),
      formatShares('by owner:', summary.byOwner),
    ].join('\n'),
  };
}

main().catch((error) => {
  console.error(error);
  process.exit(1);
});
