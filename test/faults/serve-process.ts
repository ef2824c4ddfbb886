import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createScratchDatabase, type ScratchDatabase } from '../../adapters/db/scratch-database.ts';
import { signStripePayload } from '../../adapters/stripe/webhook-signature.ts';
import { loadConfig } from '../../src/config.ts';
import { openLedger } from '../../src/ledger.ts';
import { testServerUrl } from '../support/database.ts';
import { paidInvoiceEvent } from '../support/invoice-events.ts';
import { TS_NODE_ARGS } from '../../scripts/lib/node-args.ts';

export const FAULT_TEST_SECRET = 'whsec_fault_test_secret';
const CLI = new URL('../../src/cli/main.ts', import.meta.url).pathname;

export interface ServeProcess {
  readonly url: string;
  readonly child: ChildProcess;
  /** Everything the process wrote to stderr so far (a crash's message lands here). */
  stderr(): string;
  /** Resolves with the exit code once the process has exited. */
  readonly exited: Promise<number | null>;
  /** True while the process is still running. */
  running(): boolean;
  /** SIGTERM, then waits for the exit. */
  stop(): Promise<number | null>;
}

/** The environment a child ledger runs in: nothing from ours but PATH and HOME. */
export function childEnv(extra: NodeJS.ProcessEnv): { env: NodeJS.ProcessEnv; cleanup(): void } {
  const dataDir = mkdtempSync(join(tmpdir(), 'ledger-fault-'));
  return {
    env: {
      PATH: process.env.PATH,
      HOME: process.env.HOME,
      DATA_DIR: dataDir,
      STRIPE_WEBHOOK_SIGNING_SECRET: FAULT_TEST_SECRET,
      PORT: '0',
      HOST: '127.0.0.1',
      LOG_LEVEL: 'info',
      ...extra,
    },
    cleanup: () => rmSync(dataDir, { recursive: true, force: true }),
  };
}

/**
 * Waits for the `ledger listening` line a server prints and returns its URL; rejects if the
 * process exits first.
 */
export function listeningUrl(child: ChildProcess, output: () => string): Promise<string> {
  return new Promise<string>((resolve, reject) => {
    const look = () => {
      const match = /"url":"(http:\/\/localhost:\d+)"/.exec(output());
      if (match) resolve(match[1]!.replace('localhost', '127.0.0.1'));
    };
    child.stdout!.on('data', look);
    child.on('exit', (code) => reject(new Error(`the server exited (${code}) before listening:\n${output()}`)));
  });
}

/** The real `ledger serve` in a child process. */
export async function startServe(env: NodeJS.ProcessEnv): Promise<ServeProcess> {
  const child = spawn(process.execPath, [...TS_NODE_ARGS, CLI, 'serve'], { env, stdio: ['ignore', 'pipe', 'pipe'] });
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (d) => (stdout += d));
  child.stderr.on('data', (d) => (stderr += d));
  let alive = true;
  const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => { alive = false; resolve(code); }));
  const url = await listeningUrl(child, () => stdout + stderr);
  return {
    url,
    child,
    stderr: () => stderr,
    exited,
    running: () => alive,
    async stop() {
      if (alive) child.kill('SIGTERM');
      return exited;
    },
  };
}

export interface Delivery {
  readonly status: number;
  readonly body: string;
}

/** Signs an `invoice.paid` for `tenant` and POSTs it; a network failure is status 0. */
export async function deliverInvoicePaid(url: string, o: { evt: string; tenant: string; timeoutMs?: number }): Promise<Delivery> {
  const payload = JSON.stringify(
    paidInvoiceEvent('2023-10', { evt: o.evt, invoice: `in_${o.evt}`, tenant: o.tenant, amount: 1000, currency: 'usd', paidAt: 1_767_225_600 }),
  );
  try {
    const res = await fetch(`${url}/webhooks/stripe`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'stripe-signature': signStripePayload(payload, FAULT_TEST_SECRET) },
      body: payload,
      signal: AbortSignal.timeout(o.timeoutMs ?? 30_000),
    });
    return { status: res.status, body: await res.text() };
  } catch (error) {
    return { status: 0, body: String(error) };
  }
}

/** Runs `task` over `items` with at most `concurrency` at a time. */
export async function inParallel<T, R>(items: readonly T[], concurrency: number, task: (item: T, index: number) => Promise<R>): Promise<R[]> {
  const results: R[] = new Array(items.length);
  let next = 0;
  const worker = async () => {
    while (next < items.length) {
      const i = next++;
      results[i] = await task(items[i]!, i);
    }
  };
  await Promise.all(Array.from({ length: Math.min(concurrency, items.length) }, worker));
  return results;
}

export interface ServeOnScratch {
  /** The scratch database's URL. */
  readonly url: string;
  readonly tenants: readonly string[];
  /** Starts `ledger serve` on the scratch database (or `databaseUrl`, e.g. through a proxy), with `env` added; stopped after the test. */
  start(databaseUrl?: string, env?: NodeJS.ProcessEnv): Promise<ServeProcess>;
  /** Runs after the test, once its server has stopped. */
  afterTest(cleanup: () => void | Promise<void>): void;
}

/**
 * Mocha hooks for a suite of `ledger serve` processes on a scratch database of its own, with
 * `tenants` created in it. Postgres server only: the suite is skipped on the embedded store.
 */
export function serveOnScratchDatabase(prefix: string, options: { tenants: number }): ServeOnScratch {
  let scratch: ScratchDatabase | undefined;
  let tenants: string[] = [];
  let server: ServeProcess | undefined;
  const cleanups: (() => void | Promise<void>)[] = [];
  before(async function () {
    if (!testServerUrl) this.skip();
    scratch = await createScratchDatabase(testServerUrl, prefix);
    const ledger = await openLedger(loadConfig({ NODE_ENV: 'test', DATABASE_URL: scratch.url }), { command: 'test' });
    try {
      for (let i = 0; i < options.tenants; i++) tenants.push((await ledger.tenants.create(`Tenant ${i}`)).tenant.id);
    } finally {
      await ledger.close();
    }
  });
  afterEach(async () => {
    await server?.stop();
    server = undefined;
    for (const cleanup of cleanups.splice(0)) await cleanup();
  });
  after(async () => {
    await scratch?.drop();
    tenants = [];
  });
  return {
    get url() {
      return scratch!.url;
    },
    get tenants() {
      return tenants;
    },
    async start(databaseUrl = scratch!.url, env: NodeJS.ProcessEnv = {}) {
      const child = childEnv({ DATABASE_URL: databaseUrl, ...env });
      cleanups.push(child.cleanup);
      server = await startServe(child.env);
      return server;
    },
    afterTest: (cleanup) => void cleanups.push(cleanup),
  };
}
