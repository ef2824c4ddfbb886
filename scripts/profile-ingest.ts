/**
 * `npm run profile:ingest`: where the time of a webhook goes. Runs `ledger serve` on a scratch
 * store under V8's CPU profiler, drives signed webhooks at it as `npm run bench` does, and prints
 * the CPU each party spent per webhook (the ledger's process, the Postgres server's processes,
 * this load generator) and, from the profile, what the ledger's thread spent its time on. On a
 * 2-core machine the ledger, its database and the load share the cores, so the split says what
 * stands between the ledger and the ceilings the benchmark prints.
 */
import { spawn } from 'node:child_process';
import { openSync, readdirSync, readFileSync } from 'node:fs';
import { cpus } from 'node:os';
import { join } from 'node:path';
import { Command } from 'commander';
import { exitOnMistake, positiveCount } from '../src/cli/arguments.ts';
import { startCommand } from '../src/cli/command-start.ts';
import { loadConfig } from '../src/config.ts';
import { openLedger } from '../src/ledger.ts';
import { formatShares, summariseCpuProfile, type CpuProfile } from './bench/cpu-profile-summary.ts';
import { cpuSecondsOf, cpuSecondsOfAll, postgresPids } from './bench/process-cpu.ts';
import { drive, fmt } from './bench/drive.ts';
import { webhookSender } from './bench/webhook-sender.ts';
import { TS_NODE_ARGS } from './lib/node-args.ts';
import { scratchStore } from './lib/scratch-store.ts';
import { syntheticStripeEvent } from './lib/synthetic-stripe-events.ts';

const SECRET = 'whsec_profile_secret';
const CLI = new URL('../src/cli/main.ts', import.meta.url).pathname;
startCommand();
const options = new Command('profile-ingest')
  .exitOverride(exitOnMistake)
  .option('--requests <n>', 'webhooks to send', positiveCount, 6000)
  .option('--concurrency <n>', 'requests in flight at once', positiveCount, 64)
  .option('--tenants <n>', 'tenants the events are spread over', positiveCount, 20)
  .option('--without-projections', 'serve with RUN_PROJECTIONS=false: ingest alone, projections elsewhere')
  .parse()
  .opts<{ requests: number; concurrency: number; tenants: number; withoutProjections?: boolean }>();

async function main() {
  const store = await scratchStore();
  const env: NodeJS.ProcessEnv = { ...process.env, ...store.env, STRIPE_WEBHOOK_SIGNING_SECRET: SECRET, LOG_LEVEL: 'warn', NODE_ENV: 'test' };
  if (options.withoutProjections) env.RUN_PROJECTIONS = 'false';
  const config = loadConfig({ ...env });
  const profileDir = join(config.dataDir, 'cpu-profile');
  let stop = async () => {};
  try {
    const ledger = await openLedger(config, { command: 'profile-ingest (setup)' });
    const tenantIds: string[] = [];
    for (let i = 0; i < options.tenants; i++) tenantIds.push((await ledger.tenants.create(`Profile ${i}`)).tenant.id);
    await ledger.close();

    const port = 20_000 + Math.floor(Math.random() * 20_000);
    const server = spawn(process.execPath, ['--cpu-prof', '--cpu-prof-dir', profileDir, ...TS_NODE_ARGS, CLI, 'serve'], {
      env: { ...env, PORT: String(port), HOST: '127.0.0.1' },
      stdio: ['ignore', openSync(join(config.dataDir, 'serve.log'), 'w'), 'inherit'],
    });
    stop = async () => {
      if (server.exitCode !== null) return;
      server.kill('SIGTERM');
      await new Promise((r) => server.on('exit', r));
    };
    const base = `http://127.0.0.1:${port}`;
    for (let i = 0; !(await fetch(`${base}/healthz`).then((r) => r.ok, () => false)); i++) {
      if (i > 600 || server.exitCode !== null) throw new Error('the server did not start (see serve.log in the scratch data dir)');
      await new Promise((r) => setTimeout(r, 100));
    }
    const events = Array.from({ length: options.requests + 200 }, (_, i) => syntheticStripeEvent(tenantIds[i % tenantIds.length]!, i));
    const warm = webhookSender(base, events.slice(0, 200), 16, SECRET);
    await drive(200, 16, warm.send);
    await warm.close();

    const sender = webhookSender(base, events.slice(200), options.concurrency, SECRET);
    // The server's pool is open by now (warmed up): its backends are the ones to watch.
    const watched = cpuSecondsOfAll(await postgresPids(env.DATABASE_URL));
    const before = { ledger: cpuSecondsOf(server.pid!), driver: process.cpuUsage() };
    const fromUs = Number(process.hrtime.bigint() / 1000n);
    const run = await drive(options.requests, options.concurrency, sender.send);
    const toUs = Number(process.hrtime.bigint() / 1000n);
    const wallSeconds = (toUs - fromUs) / 1e6;
    const driverUsage = process.cpuUsage(before.driver);
    const used = {
      ledger: cpuSecondsOf(server.pid!) - before.ledger,
      // A backend that ended meanwhile took its CPU time with it: left out, not counted negative.
      postgres: [...watched].reduce((sum, [pid, at]) => sum + Math.max(0, cpuSecondsOf(pid) - at), 0),
      driver: (driverUsage.user + driverUsage.system) / 1e6,
    };
    await sender.close();
    await stop();

    const perWebhook = (seconds: number) => `${((seconds * 1000) / options.requests).toFixed(3)} ms`;
    const ofMachine = (seconds: number) => `${((seconds / (wallSeconds * cpus().length)) * 100).toFixed(0)} % of the machine`;
    const profileFile = readdirSync(profileDir).find((f) => f.endsWith('.cpuprofile'));
    if (!profileFile) throw new Error(`no CPU profile was written in ${profileDir}`);
    const summary = summariseCpuProfile(JSON.parse(readFileSync(join(profileDir, profileFile), 'utf8')) as CpuProfile, { fromUs, toUs });
    const lines = [
      `store: ${store.label}; ${cpus().length} cores, Node ${process.version}; projections ${options.withoutProjections ? 'in another process' : 'in the serving process'}`,
      `ingest: ${fmt(run, 'webhooks')} (${options.requests} webhooks at concurrency ${options.concurrency}, ${wallSeconds.toFixed(1)} s)`,
      '',
      'CPU per webhook during the run:',
      `  ledger process  ${perWebhook(used.ledger)} (${ofMachine(used.ledger)})`,
      `  postgres        ${perWebhook(used.postgres)} (${ofMachine(used.postgres)}; ${watched.size} processes: the backends serving the ledger, WAL writer, checkpointer, background writer)`,
      `  load generator  ${perWebhook(used.driver)} (${ofMachine(used.driver)})`,
      '',
      `The ledger's main thread during the run: busy ${(summary.busyMs / 1000).toFixed(2)} s (${perWebhook(summary.busyMs / 1000)} a webhook), idle ${(summary.idleMs / 1000).toFixed(2)} s`,
      formatShares('by kind of work:', summary.byKind),
      formatShares('by owner:', summary.byOwner),
      formatShares('top functions (self time):', summary.topFunctions),
    ];
    process.stdout.write(`${lines.join('\n')}\n`);
  } finally {
    await stop();
    await store.drop();
  }
}

main().catch((error: unknown) => {
  process.stderr.write(`${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
  process.exit(1);
});
