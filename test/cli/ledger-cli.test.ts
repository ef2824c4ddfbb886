import { expect } from 'chai';
import { spawn } from 'node:child_process';
import { signStripePayload } from '../../adapters/stripe/webhook-signature.ts';
import { suiteCliStore } from '../support/cli-store.ts';
import { testStoreKind } from '../support/database.ts';
import { paidInvoiceEvent } from '../support/invoice-events.ts';
import { LEDGER_CLI as CLI, runScript, type CliRun } from '../support/cli.ts';
import { TS_NODE_ARGS } from '../../scripts/lib/node-args.ts';

const SECRET = 'whsec_cli_test_secret';

const jsonLines = (text: string) => text.trim().split('\n').filter(Boolean).map((l) => JSON.parse(l));

/** What an operator did with `serve` on a store, and what each step answered. */
interface ServeSession {
  readonly tenantId: string;
  readonly apiKey: string;
  readonly webhookStatus: number;
  readonly payments: { amount: string; invoice_id: string }[];
  readonly parked: unknown;
  readonly applied: Record<string, number>;
  /** A second `ledger` process run while `serve` held the embedded store (undefined on a Postgres server). */
  readonly intruder: CliRun | undefined;
  readonly exitCode: number | null;
}

/**
 * Creates the tenant Acme, runs `ledger serve`, delivers it a webhook for Acme and one no tenant
 * claims, waits for every projection to apply them, tries a second process on an embedded store,
 * then stops the server with SIGTERM. Steps whose outcome a test checks are recorded, not
 * asserted, so each test reports its own.
 */
async function serveSession(env: NodeJS.ProcessEnv): Promise<ServeSession> {
  const ledger = (args: string[]) => runScript(CLI, args, { env });
  const created = await ledger(['tenants', 'create', '--name', 'Acme']);
  if (created.code !== 0) throw new Error(`tenants create failed: ${created.stderr}`);
  const { tenantId, apiKey } = jsonLines(created.stdout)[0] as { tenantId: string; apiKey: string };

  const server = spawn(process.execPath, [...TS_NODE_ARGS, CLI, 'serve'], { env: { ...env, PORT: '0', HOST: '127.0.0.1', LOG_LEVEL: 'info' } });
  const exited = new Promise<number | null>((resolve) => server.once('exit', resolve));
  try {
    const url = await new Promise<string>((resolve, reject) => {
      let out = '';
      server.stdout.on('data', (d) => {
        out += d;
        const match = /"url":"(http:\/\/localhost:\d+)"/.exec(out);
        if (match) resolve(match[1]!);
      });
      server.on('exit', (code) => reject(new Error(`serve exited ${code}`)));
    });
    const post = (payload: string) =>
      fetch(`${url}/webhooks/stripe`, { method: 'POST', headers: { 'content-type': 'application/json', 'stripe-signature': signStripePayload(payload, SECRET) }, body: payload });

    const webhook = await post(JSON.stringify(paidInvoiceEvent('2023-10', { evt: 'evt_cli_1', invoice: 'in_cli_1', tenant: tenantId, amount: 14900, currency: 'usd', paidAt: 1_767_225_600 })));
    let payments: ServeSession['payments'] = [];
    for (let i = 0; i < 100 && payments.length === 0; i++) {
      await new Promise((r) => setTimeout(r, 50));
      const api = await fetch(`${url}/api/v1/billing/payments`, { headers: { authorization: `Bearer ${apiKey}` } });
      payments = ((await api.json()) as { payments: typeof payments }).payments;
    }

    // An event no tenant claims yet.
    const orphan = await post(JSON.stringify(paidInvoiceEvent('2023-10', { evt: 'evt_cli_orphan', invoice: 'in_cli_orphan', tenant: '', amount: 100, currency: 'usd', paidAt: 1_767_225_600 })));
    const parked = await orphan.json();

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

    // A Postgres server is shared by design: only the embedded store refuses a second process.
    const intruder = testStoreKind === 'embedded' ? await ledger(['tenants', 'create', '--name', 'Intruder']) : undefined;

    server.kill('SIGTERM');
    return { tenantId, apiKey, webhookStatus: webhook.status, payments, parked, applied, intruder, exitCode: await exited };
  } finally {
    // A step that failed left it running: it lets go of the store before the store is removed.
    if (server.exitCode === null && server.signalCode === null) {
      server.kill('SIGKILL');
      await exited;
    }
  }
}

/** The real `ledger` command in a child process, on the store this test run uses. */
describe(`ledger CLI (${testStoreKind} store)`, function () {
  this.timeout(60_000);
  const storeEnv = { STRIPE_WEBHOOK_SIGNING_SECRET: SECRET, LOG_LEVEL: 'warn' };

  describe('on a new store', () => {
    const env = suiteCliStore('ledger-cli', storeEnv);
    const ledger = (args: string[], extraEnv: NodeJS.ProcessEnv = {}) => runScript(CLI, args, { env: { ...env(), ...extraEnv } });

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
      const { tenantId, apiKey } = lines[0];
      expect(tenantId).to.match(/^[0-9a-f-]{36}$/);
      expect(apiKey).to.match(/^lk_/);
      const list = await ledger(['tenants', 'list']);
      expect(jsonLines(list.stdout).map((t) => t.tenantId)).to.deep.equal([tenantId]);
      expect(list.stdout).not.to.include(apiKey);
    });

    it('stops on bad configuration with one message naming every problem', async () => {
      const run = await ledger(['migrate'], { PORT: 'x', LOG_LEVEL: 'loud' });
      expect(run.code).to.equal(2);
      expect(run.stderr).to.include('PORT').and.to.include('LOG_LEVEL');
      expect(run.stderr).not.to.match(/\n\s+at /); // a message, not a stack trace
    });
  });

  describe('on a store `serve` ran on', () => {
    const env = suiteCliStore('ledger-cli-served', storeEnv);
    const ledger = (args: string[]) => runScript(CLI, args, { env: env() });
    let session: ServeSession;
    before(async () => {
      session = await serveSession(env());
    });

    it('serve ingests a signed webhook and the billing API shows the payment', () => {
      expect(session.webhookStatus).to.equal(200);
      expect(session.payments[0]).to.include({ amount: '149.00', invoice_id: 'in_cli_1' });
      // An event no tenant claims yet is parked, not lost.
      expect(session.parked).to.include({ routed: false });
      expect(session.applied).to.deep.equal({ routing: 2, subscriptions: 1, payments: 1 });
    });

    it('a second process on the same embedded store is told what to do and changes nothing', function () {
      if (testStoreKind !== 'embedded') this.skip(); // A Postgres server is shared by design.
      const run = session.intruder!;
      expect(run.code).to.equal(2);
      expect(run.stderr).to.match(/in use by process \d+ \(ledger serve\)/);
      expect(run.stderr).to.include('DATABASE_URL');
    });

    it('stops cleanly on SIGTERM', () => {
      expect(session.exitCode).to.equal(0);
    });

    it('streams read prints one JSON line per event', async () => {
      const run = await ledger(['streams', 'read', `tenant-${session.tenantId}`]);
      expect(run.code, run.stderr).to.equal(0);
      const [event] = jsonLines(run.stdout);
      expect(event).to.include({ stream: `tenant-${session.tenantId}`, revision: '0', type: 'InvoicePaid' });
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
      expect(lines.map((l) => l.projection)).to.deep.equal(['routing', 'subscriptions', 'payments', 'invoices', 'payment_methods', 'money_movements', 'entitlements', 'audit_log']);
      for (const line of lines) expect(line).to.include({ lag: 0, lastError: null });
    });

    it('projections rebuild ends with tables equal to the live ones', async () => {
      const run = await ledger(['projections', 'rebuild', 'payments']);
      expect(run.code, run.stderr).to.equal(0);
      expect(jsonLines(run.stdout)[0]).to.include({ projection: 'payments', equal: true, eventsApplied: 1 });
    });
  });
});
