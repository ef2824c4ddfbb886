import { expect } from 'chai';
import { setTimeout as sleep } from 'node:timers/promises';
import pg from 'pg';
import { startTcpProxy, type TcpProxy } from '../adapters/eventstore/tcp-proxy.ts';
import { testServerUrl } from '../support/database.ts';
import { deliverInvoicePaid, inParallel, serveOnScratchDatabase } from './serve-process.ts';

/** Stripe event ids the `events` table holds. */
async function storedStripeEventIds(url: string): Promise<Set<string>> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    const { rows } = await client.query<{ id: string }>(`select metadata->>'stripeEventId' as id from events`);
    return new Set(rows.map((r) => r.id));
  } finally {
    await client.end();
  }
}

/**
 * The ledger's connections are killed under it (an administrator, a failover, a restart) or the
 * database goes away entirely: the process stays up, answers 503 while it cannot store, says why
 * on /readyz, and ingests again by itself once the database is back.
 */
describe('a database outage under load (ledger serve, Postgres server)', function () {
  this.timeout(120_000);
  // PGlite runs inside the ledger's own process: there is no backend to terminate and no
  // server to lose, so these faults exist only with a Postgres server (skipped on embedded).
  const suite = serveOnScratchDatabase('ledger_fault_test', { tenants: 4 });

  it('survives every backend being terminated, repeatedly, while webhooks arrive', async () => {
    const server = await suite.start();
    const { tenants } = suite;
    const dbName = new URL(suite.url).pathname.slice(1);
    const killer = new pg.Client({ connectionString: testServerUrl });
    await killer.connect();
    let storming = true;
    let kills = 0;
    // Only this suite's database: other suites run on the same server at the same time.
    const storm = (async () => {
      while (storming) {
        const { rowCount } = await killer.query('select pg_terminate_backend(pid) from pg_stat_activity where datname = $1 and pid <> pg_backend_pid()', [dbName]);
        kills += rowCount ?? 0;
        await sleep(100);
      }
    })();
    const ids = Array.from({ length: 400 }, (_, i) => `evt_storm_${i}`);
    let deliveries: { evt: string; status: number; body: string }[];
    try {
      deliveries = await inParallel(ids, 16, async (evt, i) => ({
        evt,
        ...(await deliverInvoicePaid(server.url, { evt, tenant: tenants[i % tenants.length]! })),
      }));
    } finally {
      storming = false;
      await storm;
      await killer.end();
    }

    expect(server.running(), `the server died:\n${server.stderr()}`).to.equal(true);
    expect(kills, 'backends terminated').to.be.greaterThan(20);
    const statuses = new Map<number, number>();
    for (const d of deliveries) statuses.set(d.status, (statuses.get(d.status) ?? 0) + 1);
    // Every delivery got an answer: stored (2xx) or "retry later" (503), never a dropped socket.
    expect([...statuses.keys()].every((s) => s === 200 || s === 503), JSON.stringify([...statuses])).to.equal(true);
    const accepted = deliveries.filter((d) => d.status === 200).map((d) => d.evt);
    expect(accepted.length, JSON.stringify([...statuses])).to.be.greaterThan(0);
    const stored = await storedStripeEventIds(suite.url);
    expect(accepted.filter((evt) => !stored.has(evt)), 'answered 2xx but not stored').to.deep.equal([]);

    // After the storm, a new webhook is stored: no restart needed.
    const after = await deliverInvoicePaid(server.url, { evt: 'evt_after_storm', tenant: tenants[0]! });
    expect(after.status, after.body).to.equal(200);
    expect((await storedStripeEventIds(suite.url)).has('evt_after_storm')).to.equal(true);
  });

  it('answers 503 while the database is gone, says why on /readyz, and resumes by itself', async () => {
    const target = new URL(testServerUrl!);
    const proxy: TcpProxy = await startTcpProxy(target.hostname, Number(target.port || 5432));
    suite.afterTest(() => proxy.close());
    const viaProxy = new URL(suite.url);
    viaProxy.host = proxy.address;
    const server = await suite.start(viaProxy.toString());
    const { url } = server;
    const { tenants } = suite;
    expect((await deliverInvoicePaid(url, { evt: 'evt_before_cut', tenant: tenants[1]! })).status).to.equal(200);

    // Webhooks keep arriving, 16 at a time, before, during and after the outage.
    let loading = true;
    let n = 0;
    const deliveries: { evt: string; status: number; body: string }[] = [];
    const load = Promise.all(
      Array.from({ length: 16 }, async () => {
        while (loading) {
          const evt = `evt_load_${n++}`;
          deliveries.push({ evt, ...(await deliverInvoicePaid(url, { evt, tenant: tenants[n % tenants.length]! })) });
        }
      }),
    );
    try {
      await sleep(500);
      await proxy.cut();
      await sleep(300);
      const started = performance.now();
      const during = await deliverInvoicePaid(url, { evt: 'evt_during_cut', tenant: tenants[1]! });
      expect(during.status, during.body).to.equal(503);
      expect(performance.now() - started, 'a 503 comes fast').to.be.lessThan(5000);
      const ready = await fetch(`${url}/readyz`);
      const readiness = (await ready.json()) as { status: string; checks: Record<string, string> };
      expect(ready.status).to.equal(503);
      expect(readiness.checks.database, JSON.stringify(readiness)).to.match(/^down: connection refused/);
      expect(readiness.checks.ingest, JSON.stringify(readiness)).to.match(/^down: .*connection refused/);
      expect(server.running(), server.stderr()).to.equal(true);

      await proxy.restore();
      // Stripe retries the failed delivery; the ledger takes it without being restarted.
      let again = { status: 0, body: '' };
      for (let i = 0; i < 50 && again.status !== 200; i++) {
        again = await deliverInvoicePaid(url, { evt: 'evt_during_cut', tenant: tenants[1]! });
        if (again.status !== 200) await sleep(100);
      }
      expect(again.status, again.body).to.equal(200);
      await sleep(300);
    } finally {
      loading = false;
      await load;
    }
    expect(server.running(), `the server died:\n${server.stderr()}`).to.equal(true);
    expect(deliveries.filter((d) => d.status !== 200 && d.status !== 503), 'answers other than 200/503').to.deep.equal([]);
    const stored = await storedStripeEventIds(suite.url);
    expect(stored.has('evt_during_cut')).to.equal(true);
    expect(deliveries.filter((d) => d.status === 200 && !stored.has(d.evt)).map((d) => d.evt), 'answered 2xx but not stored').to.deep.equal([]);
    expect(deliveries.filter((d) => d.status === 200).length).to.be.greaterThan(0);
    const readyAgain = await fetch(`${url}/readyz`);
    expect(readyAgain.status, await readyAgain.text()).to.equal(200);
  });
});
