/**
 * `npm run bench`: webhook ingest throughput and latency over HTTP, and projection rebuild speed,
 * on the store in use (DATABASE_URL's server, else the embedded store; the log in EventStoreDB
 * when EVENTSTORE_CONNECTION_STRING is set, or in the in-repo wire double with --esdb-double). It
 * never touches your read models: on a server it creates and drops a scratch database, embedded
 * it uses a temp directory. In EventStoreDB it writes streams of new tenants, which stay.
 */
import { spawn } from 'node:child_process';
import { openSync, readFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { join } from 'node:path';
import { Command } from 'commander';
import { signStripePayload } from '../adapters/stripe/webhook-signature.ts';
import { exitOnMistake, positiveCount } from '../src/cli/arguments.ts';
import { loadConfig } from '../src/config.ts';
import { describeEventStore } from '../adapters/eventstore/esdb/describe.ts';
import { openLedger } from '../src/ledger.ts';
import { ingestStripeEvent } from '../src/webhooks/ingest.ts';
import { readStripeEvent } from '../src/webhooks/read-stripe-event.ts';
import { catchUpLive } from '../src/workers/live-projections.ts';
import { scratchStore } from './lib/scratch-store.ts';
import { syntheticStripeEvent } from './lib/synthetic-stripe-events.ts';

const SECRET = 'whsec_benchmark_secret';
const CLI = new URL('../src/cli/main.ts', import.meta.url).pathname;
const DOUBLE = new URL('./esdb-double.ts', import.meta.url).pathname;

const options = new Command('bench')
  .exitOverride(exitOnMistake)
  .option('--requests <n>', 'webhooks to send over HTTP', positiveCount, 3000)
  .option('--concurrency <n>', 'requests in flight at once', positiveCount, 16)
  .option('--events <n>', 'events in the log for the rebuild measurement', positiveCount, 20000)
  .option('--tenants <n>', 'tenants the events are spread over', positiveCount, 20)
  .option('--esdb-double', 'keep the log in the in-repo EventStoreDB wire double (its own process, in memory)')
  .parse()
  .opts<{ requests: number; concurrency: number; events: number; tenants: number; esdbDouble?: boolean }>();

const percentile = (sorted: number[], p: number) => sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))]!;

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
    const double = spawn(process.execPath, ['--import', 'tsx', DOUBLE, '--port', String(await freePort())], { stdio: ['ignore', 'pipe', 'ignore'] });
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
  const env = { ...store.env, ...log.env, STRIPE_WEBHOOK_SIGNING_SECRET: SECRET, LOG_LEVEL: 'info', NODE_ENV: 'production' };
  const config = loadConfig({ ...env });
  const rows: [string, string][] = [['store', store.label], ['event log', log.label], ['machine', `${(await import('node:os')).cpus().length} cores, Node ${process.version}`]];
  try {
    // Tenants first, while no server holds the store.
    let ledger = await openLedger(config, { command: 'bench (setup)' });
    const tenantIds: string[] = [];
    for (let i = 0; i < options.tenants; i++) tenantIds.push((await ledger.tenants.create(`Bench ${i}`)).tenant.id);
    await ledger.close();

    // 1. Ingest over HTTP against `ledger serve` in its own process, projections running.
    const port = await freePort();
    const serverLog = join(config.dataDir, 'serve.log');
    const server = spawn(process.execPath, ['--import', 'tsx', CLI, 'serve'], {
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
      if (i > 300) throw new Error('the server did not start');
      const ok = await fetch(`${base}/healthz`).then((r) => r.ok, () => false);
      if (ok) break;
      await new Promise((r) => setTimeout(r, 100));
    }
    const bodies = Array.from({ length: options.requests + 100 }, (_, i) => syntheticStripeEvent(tenantIds[i % tenantIds.length]!, i).body);
    const send = async (body: string) => {
      const started = performance.now();
      const res = await fetch(`${base}/webhooks/stripe`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', 'stripe-signature': signStripePayload(body, SECRET) },
        body,
      });
      await res.arrayBuffer();
      if (res.status !== 200) throw new Error(`webhook answered ${res.status}`);
      return performance.now() - started;
    };
    for (const body of bodies.slice(0, 100)) await send(body); // warm-up: JIT, pools
    const latencies: number[] = [];
    let next = 100;
    const started = performance.now();
    await Promise.all(
      Array.from({ length: options.concurrency }, async () => {
        while (next < bodies.length) latencies.push(await send(bodies[next++]!));
      }),
    );
    const seconds = (performance.now() - started) / 1000;
    latencies.sort((a, b) => a - b);
    const bytes = Math.round(bodies.reduce((n, b) => n + b.length, 0) / bodies.length);
    rows.push(
      ['webhooks sent (signed, over HTTP)', `${latencies.length} at concurrency ${options.concurrency}, ${bytes} bytes each on average`],
      ['ingest throughput', `${Math.round(latencies.length / seconds)} webhooks/s`],
      ['ingest latency p50 / p99', `${percentile(latencies, 50).toFixed(1)} ms / ${percentile(latencies, 99).toFixed(1)} ms`],
    );
    await stopServer();

    // 2. Fill the log to --events through the same ingest path, then rebuild every projection.
    ledger = await openLedger(config, { command: 'bench (rebuild)' });
    const deps = { store: ledger.store, tenantExists: async () => true, tenantForStripeObject: async () => null };
    let count = bodies.length;
    while (count < options.events) {
      const batch = Array.from({ length: Math.min(8, options.events - count) }, (_, i) => count + i);
      await Promise.all(
        batch.map((i) => {
          const read = readStripeEvent(syntheticStripeEvent(tenantIds[i % tenantIds.length]!, i).body);
          if (!read.ok) throw new Error(read.detail);
          return ingestStripeEvent(deps, read.envelope, new Date());
        }),
      );
      count += batch.length;
    }
    // Live tables first brought to the head, so the rebuild below is timed alone.
    await catchUpLive(ledger);
    await ledger.close();

    // `ledger projections rebuild` in a process of its own, so its peak memory is its own.
    const rebuild = spawn(process.execPath, ['--import', 'tsx', CLI, 'projections', 'rebuild'], {
      env: { ...process.env, ...env },
      stdio: ['ignore', 'pipe', 'inherit'],
    });
    let output = '';
    rebuild.stdout.on('data', (chunk) => (output += chunk));
    const code = await new Promise((resolve) => rebuild.on('exit', resolve));
    if (code !== 0) throw new Error(`projections rebuild exited ${code}`);
    const reports = output.trim().split('\n').map((line) => JSON.parse(line) as { projection: string; equal: boolean; eventsApplied: number; seconds: number; peakRssMiB: number });
    for (const report of reports) if (!report.equal) throw new Error(`rebuild of ${report.projection} differs from the live tables`);
    const applied = reports.reduce((n, r) => n + r.eventsApplied, 0);
    const rebuildSeconds = reports.reduce((n, r) => n + r.seconds, 0);
    rows.push(
      ['events in the log', `${count}`],
      ['projection rebuild (`ledger projections rebuild`)', `${reports.length} projections, ${applied} event applications in ${rebuildSeconds.toFixed(1)} s = ${Math.round(applied / rebuildSeconds)} events/s`],
      ['peak memory of the rebuild process (RSS)', `${Math.max(...reports.map((r) => r.peakRssMiB))} MiB`],
    );
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
}

main().catch((error) => {
  console.error(error);
  process.exit(1);
});
