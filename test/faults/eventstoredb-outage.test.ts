import { expect } from 'chai';
import { setTimeout as sleep } from 'node:timers/promises';
import pg from 'pg';
import { startEsdbDouble, type EsdbDouble } from '../../scripts/esdb-double/server.ts';
import { deliverInvoicePaid, inParallel, serveOnScratchDatabase } from './serve-process.ts';

/**
 * `ledger serve` with its log in EventStoreDB (the in-repo wire double) while the server drops
 * every subscription, then goes away and comes back (a restart keeping its data): the projection
 * runners resubscribe from the last event they handled, by themselves, so each payment appears
 * once; webhooks get 503 while the log cannot be written and /readyz says so; drops and
 * resubscriptions are counted and logged. Postgres server only, like the other fault tests.
 */
describe('an EventStoreDB that drops subscriptions and restarts, under ledger serve', function () {
  this.timeout(180_000);
  const suite = serveOnScratchDatabase('ledger_esdb_outage', { tenants: 3 });
  let double: EsdbDouble | undefined;
  afterEach(async () => {
    await double?.stop();
    double = undefined;
  });

  const paymentsStored = async (databaseUrl: string) => {
    const client = new pg.Client({ connectionString: databaseUrl });
    await client.connect();
    try {
      const { rows } = await client.query<{ invoice: string }>('select stripe_invoice_id as invoice from payments');
      return rows.map((r) => r.invoice);
    } finally {
      await client.end();
    }
  };
  const untilPayments = async (databaseUrl: string, expected: number) => {
    for (const deadline = Date.now() + 60_000; Date.now() < deadline; await sleep(100)) {
      const stored = await paymentsStored(databaseUrl);
      if (stored.length >= expected) return stored;
    }
    return paymentsStored(databaseUrl);
  };
  const metric = (text: string, name: string) => Number(new RegExp(`^${name} (\\d+)`, 'm').exec(text)?.[1] ?? NaN);

  it('resubscribes from the last handled event, answers 503 while the log is away, and applies each event once', async () => {
    double = await startEsdbDouble();
    const server = await suite.start(undefined, { EVENTSTORE_CONNECTION_STRING: double.connectionString });
    const { tenants } = suite;
    const deliver = (evt: string) => deliverInvoicePaid(server.url, { evt, tenant: tenants[evt.length % tenants.length]!, timeoutMs: 15_000 });
    const batch = async (prefix: string, count: number) => {
      const answers = await inParallel(Array.from({ length: count }, (_, i) => `${prefix}_${i}`), 8, async (evt) => ({ evt, ...(await deliver(evt)) }));
      expect(answers.filter((a) => a.status !== 200), JSON.stringify(answers.filter((a) => a.status !== 200))).to.deep.equal([]);
    };

    await batch('evt_before', 20);
    expect(await untilPayments(suite.url, 20)).to.have.length(20);

    // Every subscription dropped, with appends on either side of the drop.
    double.dropSubscriptions();
    await batch('evt_after_drop', 20);
    expect(await untilPayments(suite.url, 40)).to.have.length(40);

    // The server goes away: webhooks get 503 fast, /readyz says the log is down.
    const { port, state } = double;
    await double.stop();
    const during = await deliver('evt_during_outage');
    expect(during.status, during.body).to.equal(503);
    const ready = await fetch(`${server.url}/readyz`);
    const readiness = (await ready.json()) as { checks: Record<string, string> };
    expect(ready.status).to.equal(503);
    expect(readiness.checks.event_store, JSON.stringify(readiness)).to.match(/^down/);

    // Back, with its data: Stripe's retry is stored, and the runners follow on.
    double = await startEsdbDouble({ port, state });
    let again = during;
    for (let i = 0; i < 100 && again.status !== 200; i++) {
      await sleep(200);
      again = await deliver('evt_during_outage');
    }
    expect(again.status, again.body).to.equal(200);
    await batch('evt_after_restart', 20);
    const stored = await untilPayments(suite.url, 61);
    expect(stored).to.have.length(61);
    expect(new Set(stored).size, 'each payment once').to.equal(61);
    expect(server.running(), server.stderr()).to.equal(true);

    const metrics = await (await fetch(`${server.url}/metrics`)).text();
    expect(metric(metrics, 'ledger_event_store_subscription_drops_total')).to.be.at.least(2);
    expect(metric(metrics, 'ledger_event_store_resubscriptions_total')).to.be.at.least(2);
    const readyAgain = await fetch(`${server.url}/readyz`);
    expect(readyAgain.status, await readyAgain.text()).to.equal(200);
  });
});
