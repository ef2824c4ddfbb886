import { expect } from 'chai';
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { signStripePayload } from '../../adapters/stripe/webhook-signature.ts';
import { createScratchDatabase, type ScratchDatabase } from '../../adapters/db/scratch-database.ts';
import { testServerUrl, testStoreKind } from '../support/database.ts';
import { paidInvoiceEvent } from '../support/invoice-events.ts';
import { LEDGER_CLI as CLI, runScript } from '../support/cli.ts';

const SECRET = 'whsec_cli_test_secret';

/** The real `ledger` command in a child process, on the store this test run uses. */
describe(`ledger CLI (${testStoreKind} store)`, function () {
  this.timeout(60_000);
  let env: NodeJS.ProcessEnv;
  let dataDir: string;
  let scratch: ScratchDatabase | undefined;
  let server: ChildProcess | undefined;

  before(async () => {
    dataDir = mkdtempSync(join(tmpdir(), 'ledger-cli-'));
    env = { PATH: process.env.PATH, HOME: process.env.HOME, DATA_DIR: dataDir, STRIPE_WEBHOOK_SIGNING_SECRET: SECRET, LOG_LEVEL: 'warn' };
    if (testServerUrl) {
      scratch = await createScratchDatabase(testServerUrl, 'ledger_cli_test');
      env.DATABASE_URL = scratch.url;
    }
  });
  after(async () => {
    // The server, if a test left it running, lets go of the store before the store is removed.
    if (server && server.exitCode === null && server.signalCode === null) {
      const exited = new Promise((resolve) => server!.once('exit', resolve));
      server.kill('SIGTERM');
      await exited;
    }
    await scratch?.drop();
    rmSync(dataDir, { recursive: true, force: true });
  });

  const ledger = (args: string[], extraEnv: NodeJS.ProcessEnv = {}) => runScript(CLI, args, { env: { ...env, ...extraEnv } });
  const jsonLines = (text: string) => text.trim().split('\n').filter(Boolean).map((l) => JSON.parse(l));

  let tenantId = '';
  let apiKey = '';

  it('migrate', async () => {
    const run = await ledger(['migrate']);
    expect(run.code, run.stderr).to.equal(0);
    expect(jsonLines(run.stdout)[0]).to.include({ migrated: true });
  });

  it('tenants create prints one JSON line with tenantId and apiKey; tenants list shows it without the key', async () => {
    const run = await ledger(['tenants', 'create', '--name', 'Acme']);
    expect(run.code, run.stderr).to.equal(0);
    const lines = jsonLines(run.stdout);
    expect(lines).to.have.length(1);
    ({ tenantId, apiKey } = lines[0]);
    expect(tenantId).to.match(/^[0-9a-f-]{36}$/);
    expect(apiKey).to.match(/^lk_/);
    const list = await ledger(['tenants', 'list']);
    expect(jsonLines(list.stdout).map((t) => t.tenantId)).to.deep.equal([tenantId]);
    expect(list.stdout).not.to.include(apiKey);
  });

  it('serve ingests a signed webhook and the billing API shows the payment', async () => {
    server = spawn(process.execPath, ['--import', 'tsx', CLI, 'serve'], { env: { ...env, PORT: '0', HOST: '127.0.0.1', LOG_LEVEL: 'info' } });
    const url = await new Promise<string>((resolve, reject) => {
      let out = '';
      server!.stdout!.on('data', (d) => {
        out += d;
        const match = /"url":"(http:\/\/localhost:\d+)"/.exec(out);
        if (match) resolve(match[1]!);
      });
      server!.on('exit', (code) => reject(new Error(`serve exited ${code}`)));
    });
    const payload = JSON.stringify(paidInvoiceEvent('2023-10', { evt: 'evt_cli_1', invoice: 'in_cli_1', tenant: tenantId, amount: 14900, currency: 'usd', paidAt: 1_767_225_600 }));
    const res = await fetch(`${url}/webhooks/stripe`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'stripe-signature': signStripePayload(payload, SECRET) },
      body: payload,
    });
    expect(res.status).to.equal(200);
    let payments: { amount: string; invoice_id: string }[] = [];
    for (let i = 0; i < 100 && payments.length === 0; i++) {
      await new Promise((r) => setTimeout(r, 50));
      const api = await fetch(`${url}/api/v1/billing/payments`, { headers: { authorization: `Bearer ${apiKey}` } });
      payments = ((await api.json()) as { payments: typeof payments }).payments;
    }
    expect(payments[0]).to.include({ amount: '149.00', invoice_id: 'in_cli_1' });

    // An event no tenant claims yet is parked, not lost.
    const orphan = JSON.stringify(paidInvoiceEvent('2023-10', { evt: 'evt_cli_orphan', invoice: 'in_cli_orphan', tenant: '', amount: 100, currency: 'usd', paidAt: 1_767_225_600 }));
    const parked = await fetch(`${url}/webhooks/stripe`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'stripe-signature': signStripePayload(orphan, SECRET) },
      body: orphan,
    });
    expect(await parked.json()).to.include({ routed: false });

    // Every projection applies what it follows (its progress is a metric) before the server stops.
    const expected = { routing: 2, subscriptions: 1, payments: 1 };
    let applied: Record<string, number> = {};
    for (let i = 0; i < 200 && JSON.stringify(applied) !== JSON.stringify(expected); i++) {
      await new Promise((r) => setTimeout(r, 25));
      const metrics = await (await fetch(`${url}/metrics`)).text();
      applied = Object.fromEntries(
        Object.keys(expected).map((name) => [name, Number(new RegExp(`ledger_projection_events_applied_total\\{projection="${name}"\\} (\\d+)`).exec(metrics)?.[1] ?? 0)]),
      );
    }
    expect(applied).to.deep.equal(expected);
  });

  it('a second process on the same embedded store is told what to do and changes nothing', async function () {
    if (testStoreKind !== 'embedded') this.skip(); // A Postgres server is shared by design.
    const run = await ledger(['tenants', 'create', '--name', 'Intruder']);
    expect(run.code).to.equal(2);
    expect(run.stderr).to.match(/in use by process \d+ \(ledger serve\)/);
    expect(run.stderr).to.include('DATABASE_URL');
  });

  it('stops cleanly on SIGTERM', async () => {
    const exited = new Promise<number | null>((resolve) => server!.on('exit', resolve));
    server!.kill('SIGTERM');
    expect(await exited).to.equal(0);
    server = undefined;
  });

  it('streams read prints one JSON line per event', async () => {
    const run = await ledger(['streams', 'read', `tenant-${tenantId}`]);
    expect(run.code, run.stderr).to.equal(0);
    const [event] = jsonLines(run.stdout);
    expect(event).to.include({ stream: `tenant-${tenantId}`, revision: '0', type: 'InvoicePaid' });
    expect(event.data.stripe.eventId).to.equal('evt_cli_1');
  });

  it('left nothing behind from the refused process', async function () {
    if (testStoreKind !== 'embedded') this.skip(); // nothing was refused
    const list = await ledger(['tenants', 'list']);
    expect(jsonLines(list.stdout).map((t) => t.name)).to.deep.equal(['Acme']);
  });

  it('unrouted list shows the parked event', async () => {
    const run = await ledger(['unrouted', 'list']);
    expect(run.code, run.stderr).to.equal(0);
    expect(jsonLines(run.stdout).map((p) => p.stripeEventId)).to.deep.equal(['evt_cli_orphan']);
  });

  it('projections status shows each projection caught up', async () => {
    const run = await ledger(['projections', 'status']);
    expect(run.code, run.stderr).to.equal(0);
    const lines = jsonLines(run.stdout);
    expect(lines.map((l) => l.projection)).to.deep.equal(['routing', 'subscriptions', 'payments']);
    for (const line of lines) expect(line).to.include({ lag: 0, lastError: null });
  });

  it('projections rebuild ends with tables equal to the live ones', async () => {
    const run = await ledger(['projections', 'rebuild', 'payments']);
    expect(run.code, run.stderr).to.equal(0);
    expect(jsonLines(run.stdout)[0]).to.include({ projection: 'payments', equal: true, eventsApplied: 1 });
  });

  it('stops on bad configuration with one message naming every problem', async () => {
    const run = await ledger(['migrate'], { PORT: 'x', LOG_LEVEL: 'loud' });
    expect(run.code).to.equal(2);
    expect(run.stderr).to.include('PORT').and.to.include('LOG_LEVEL');
    expect(run.stderr).not.to.match(/\n\s+at /); // a message, not a stack trace
  });
});
