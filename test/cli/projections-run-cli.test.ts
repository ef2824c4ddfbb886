import { expect } from 'chai';
import { spawn, type ChildProcess } from 'node:child_process';
import { signStripePayload } from '../../adapters/stripe/webhook-signature.ts';
import { suiteCliStore } from '../support/cli-store.ts';
import { testStoreKind } from '../support/database.ts';
import { paidInvoiceEvent } from '../support/invoice-events.ts';
import { LEDGER_CLI as CLI, jsonLines, runScript } from '../support/cli.ts';
import { TS_NODE_ARGS } from '../../scripts/lib/node-args.ts';

const SECRET = 'whsec_projections_run_test';

/** Starts `ledger <args>` and resolves once its output matched `ready`, with the match. */
function startLedger(args: string[], env: NodeJS.ProcessEnv, ready: RegExp): Promise<{ child: ChildProcess; match: RegExpExecArray; exited: Promise<number | null> }> {
  const child = spawn(process.execPath, [...TS_NODE_ARGS, CLI, ...args], { env });
  const exited = new Promise<number | null>((resolve) => child.once('exit', resolve));
  return new Promise((resolve, reject) => {
    let out = '';
    child.stdout!.on('data', (d) => {
      out += d;
      const match = ready.exec(out);
      if (match) resolve({ child, match, exited });
    });
    child.stderr!.on('data', (d) => (out += d));
    child.once('exit', (code) => reject(new Error(`ledger ${args.join(' ')} exited ${code}:\n${out}`)));
  });
}

/**
 * Ingest and projections apart: `serve` with RUN_PROJECTIONS=false stores webhooks and projects
 * nothing; `ledger projections run` brings every projection to the head and stops cleanly on
 * SIGTERM. One after the other, so that the embedded store (one process at a time) runs it too.
 */
describe(`ledger projections run (${testStoreKind} store)`, function () {
  this.timeout(120_000);
  const env = suiteCliStore('projections-run', { STRIPE_WEBHOOK_SIGNING_SECRET: SECRET, LOG_LEVEL: 'info' });
  const ledger = (args: string[]) => runScript(CLI, args, { env: env() });
  const status = async () => Object.fromEntries(jsonLines((await ledger(['projections', 'status'])).stdout).map((line) => [line.projection, line]));
  const children: ChildProcess[] = [];
  afterEach(() => {
    for (const child of children.splice(0)) if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
  });

  it('serve with RUN_PROJECTIONS=false ingests and projects nothing; projections run catches up and stops on SIGTERM', async () => {
    const created = await ledger(['tenants', 'create', '--name', 'Apart']);
    expect(created.code, created.stderr).to.equal(0);
    const { tenantId } = jsonLines(created.stdout)[0] as { tenantId: string };

    const server = await startLedger(['serve'], { ...env(), RUN_PROJECTIONS: 'false', PORT: '0', HOST: '127.0.0.1' }, /"url":"(http:\/\/localhost:\d+)"/);
    children.push(server.child);
    const payload = JSON.stringify(paidInvoiceEvent('2023-10', { evt: 'evt_apart_1', invoice: 'in_apart_1', tenant: tenantId, amount: 2500, currency: 'eur', paidAt: 1_767_225_600 }));
    const webhook = await fetch(`${server.match[1]}/webhooks/stripe`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'stripe-signature': signStripePayload(payload, SECRET) },
      body: payload,
    });
    expect(webhook.status).to.equal(200);
    await new Promise((r) => setTimeout(r, 1_000));
    server.child.kill('SIGTERM');
    expect(await server.exited).to.equal(0);
    expect((await status()).payments).to.include({ eventsApplied: '0' });

    // Run until the payment is applied; on the embedded store the status can only be read
    // between runs, so each run is given a few seconds.
    let payments: Record<string, unknown> = {};
    for (let attempt = 0; attempt < 6 && payments.eventsApplied !== '1'; attempt++) {
      const runner = await startLedger(['projections', 'run'], env(), /projections running/);
      children.push(runner.child);
      await new Promise((r) => setTimeout(r, 3_000));
      runner.child.kill('SIGTERM');
      expect(await runner.exited).to.equal(0);
      payments = (await status()).payments as Record<string, unknown>;
    }
    expect(payments).to.include({ eventsApplied: '1', lag: 0, lastError: null });
  });
});
