import { expect } from 'chai';
import { execFileSync, spawn, type ChildProcess } from 'node:child_process';
import { request } from 'node:http';
import { connect } from 'node:net';
import { setTimeout as sleep } from 'node:timers/promises';
import { openDatabase } from '../../adapters/db/database.ts';
import { createScratchDatabase, type ScratchDatabase } from '../../adapters/db/scratch-database.ts';
import { signStripePayload } from '../../adapters/stripe/webhook-signature.ts';
import { LEDGER_CLI as CLI, outputLines } from '../support/cli.ts';
import { testServerUrl, testStoreKind } from '../support/database.ts';
import { paidInvoiceEvent } from '../support/invoice-events.ts';
import { childEnv, FAULT_TEST_SECRET, listeningUrl } from './serve-process.ts';
import { TS_NODE_ARGS } from '../../scripts/lib/node-args.ts';

const ROOT = new URL('../..', import.meta.url).pathname;

interface Spawned {
  readonly child: ChildProcess;
  readonly url: Promise<string>;
  readonly exited: Promise<{ code: number | null; signal: NodeJS.Signals | null; atMs: number }>;
  output(): string;
}

/** In a process group of its own, so that the test can tell whether anything it started is left. */
function spawnGroup(command: string, args: string[], env: NodeJS.ProcessEnv): Spawned {
  const child = spawn(command, args, { cwd: ROOT, env, detached: true, stdio: ['ignore', 'pipe', 'pipe'] });
  let output = '';
  child.stdout!.on('data', (d) => (output += d));
  child.stderr!.on('data', (d) => (output += d));
  return {
    child,
    url: listeningUrl(child, () => output),
    exited: new Promise((resolve) => child.on('exit', (code, signal) => resolve({ code, signal, atMs: performance.now() }))),
    output: () => output,
  };
}

/** Whether any process of the group is still alive. */
function groupAlive(pgid: number): boolean {
  try {
    process.kill(-pgid, 0);
    return true;
  } catch {
    return false;
  }
}

/** The group's processes, for a failure message. */
const groupProcesses = (pgid: number) =>
  execFileSync('ps', ['-e', '-o', 'pgid=,pid=,args='])
    .toString()
    .split('\n')
    .filter((line) => line.trim().split(/\s+/)[0] === String(pgid))
    .join('\n');

/** Waits a moment for the group to empty (a helper process, like esbuild's, exits just after). */
async function groupEmpties(pgid: number, ms: number): Promise<boolean> {
  for (const deadline = performance.now() + ms; performance.now() < deadline; await sleep(50)) if (!groupAlive(pgid)) return true;
  return !groupAlive(pgid);
}

const portRefuses = (url: string) =>
  new Promise<boolean>((resolve) => {
    const socket = connect(Number(new URL(url).port), '127.0.0.1');
    socket.once('connect', () => {
      socket.destroy();
      resolve(false);
    });
    socket.once('error', () => resolve(true));
  });

/**
 * A webhook whose body is still arriving: the server has accepted the request and is reading it
 * when the signal comes. `finish()` sends the rest.
 */
function slowWebhook(url: string, evt: string) {
  const payload = JSON.stringify(paidInvoiceEvent('2023-10', { evt, invoice: `in_${evt}`, tenant: '', amount: 100, currency: 'usd', paidAt: 1_767_225_600 }));
  const req = request(`${url}/webhooks/stripe`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', 'content-length': Buffer.byteLength(payload), 'stripe-signature': signStripePayload(payload, FAULT_TEST_SECRET) },
  });
  const answered = new Promise<{ status: number; body: string }>((resolve) => {
    req.on('response', (res) => {
      let body = '';
      res.on('data', (d) => (body += d));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, body }));
    });
    req.on('error', (error) => resolve({ status: 0, body: String(error) }));
  });
  req.write(payload.slice(0, 200));
  req.flushHeaders();
  return {
    answered,
    finish: () => req.end(payload.slice(200)),
  };
}

describe(`stopping the process (${testStoreKind} store)`, function () {
  this.timeout(90_000);
  let scratch: ScratchDatabase | undefined;
  const started: Spawned[] = [];
  const cleanups: (() => void)[] = [];

  const environment = async (extra: NodeJS.ProcessEnv = {}) => {
    const child = childEnv(extra);
    cleanups.push(child.cleanup);
    if (testServerUrl && !extra.DATABASE_URL) {
      scratch ??= await createScratchDatabase(testServerUrl, 'ledger_shutdown_test');
      child.env.DATABASE_URL = scratch.url;
    }
    return child.env;
  };

  afterEach(() => {
    // Whatever a failing test left running is ours: end its whole group.
    for (const s of started.splice(0)) if (s.child.pid && groupAlive(s.child.pid)) process.kill(-s.child.pid, 'SIGKILL');
    for (const cleanup of cleanups.splice(0)) cleanup();
  });
  after(async () => {
    await scratch?.drop();
  });

  it('npm start: SIGTERM to npm finishes the webhook in flight, exits 0 and frees the port', async () => {
    const env = await environment();
    const npm = spawnGroup('npm', ['start'], env);
    started.push(npm);
    const url = await npm.url;
    const webhook = slowWebhook(url, 'evt_in_flight');
    await sleep(200);

    const signalled = performance.now();
    process.kill(npm.child.pid!, 'SIGTERM');
    await sleep(500);
    webhook.finish();
    const answer = await webhook.answered;
    expect(answer.status, `${answer.body}\n${npm.output()}`).to.equal(200);

    const exit = await Promise.race([npm.exited, sleep(10_000).then(() => null)]);
    expect(exit, `npm did not exit:\n${npm.output()}`).to.not.equal(null);
    expect(exit!.code, npm.output()).to.equal(0);
    expect(exit!.atMs - signalled, 'exit within a few seconds').to.be.lessThan(5000);
    const pgid = npm.child.pid!;
    expect(await groupEmpties(pgid, 2000), `still running:\n${groupProcesses(pgid)}`).to.equal(true);
    expect(await portRefuses(url), 'the port is still held').to.equal(true);

    const database = await openDatabase({ databaseUrl: env.DATABASE_URL, dataDir: env.DATA_DIR!, command: 'test' });
    try {
      const { rows } = await database.pool.query(`select count(*)::int as n from events where metadata->>'stripeEventId' = 'evt_in_flight'`);
      expect(rows[0].n).to.equal(1);
    } finally {
      await database.close();
    }
  });

  it('gives up at SHUTDOWN_TIMEOUT_MS with a message and exit code 1 when shutdown hangs', async () => {
    const serve = spawnGroup(process.execPath, [...TS_NODE_ARGS, CLI, 'serve'], await environment({ SHUTDOWN_TIMEOUT_MS: '1000' }));
    started.push(serve);
    const webhook = slowWebhook(await serve.url, 'evt_never_finished');
    await sleep(200);
    const signalled = performance.now();
    serve.child.kill('SIGTERM');
    const exit = await serve.exited;
    expect(exit.code, serve.output()).to.equal(1);
    expect(exit.atMs - signalled).to.be.within(900, 4000);
    expect(serve.output()).to.include('Shutdown did not finish within 1000 ms');
    await webhook.answered;
  });

  it('exits at once on a second signal', async () => {
    const serve = spawnGroup(process.execPath, [...TS_NODE_ARGS, CLI, 'serve'], await environment());
    started.push(serve);
    const webhook = slowWebhook(await serve.url, 'evt_interrupted');
    await sleep(200);
    serve.child.kill('SIGTERM');
    await sleep(300);
    const signalled = performance.now();
    serve.child.kill('SIGINT');
    const exit = await serve.exited;
    expect(exit.code, serve.output()).to.equal(130);
    expect(exit.atMs - signalled).to.be.lessThan(1000);
    await webhook.answered;
  });

  it('ledger migrate with an unreachable database prints one line naming it, without the password, and exits 2', async () => {
    const env = await environment({ DATABASE_URL: 'postgres://ledger:s3cret@127.0.0.1:1/ledger' });
    const migrate = spawnGroup(process.execPath, [...TS_NODE_ARGS, CLI, 'migrate'], env);
    started.push(migrate);
    migrate.url.catch(() => {});
    const exit = await migrate.exited;
    expect(exit.code, migrate.output()).to.equal(2);
    expect(outputLines(migrate.output())).to.deep.equal(['Cannot use the database postgres://ledger:***@127.0.0.1:1/ledger: connection refused']);
  });

  it('ledger migrate names a database that does not exist', async function () {
    if (!testServerUrl) this.skip(); // needs a server to ask
    const missing = new URL(testServerUrl);
    missing.pathname = '/ledger_no_such_database';
    const again = spawnGroup(process.execPath, [...TS_NODE_ARGS, CLI, 'migrate'], await environment({ DATABASE_URL: missing.toString() }));
    started.push(again);
    again.url.catch(() => {});
    const exit = await again.exited;
    expect(exit.code, again.output()).to.equal(2);
    expect(outputLines(again.output())).to.deep.equal([`Cannot use the database ${missing.toString()}: the database does not exist`]);
  });
});
