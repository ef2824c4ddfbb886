import { expect } from 'chai';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { createScratchDatabase, type ScratchDatabase } from '../../adapters/db/scratch-database.ts';
import { allProjections } from '../../projections/all.ts';
import { loadConfig } from '../../src/config.ts';
import { openLedger, type Ledger } from '../../src/ledger.ts';
import { rebuildProjection } from '../../src/workers/rebuild.ts';
import { testServerUrl, testStoreKind } from '../support/database.ts';
import { childEnv, deliverInvoicePaid, inParallel, startServe, type ServeProcess } from './serve-process.ts';

/**
 * `kill -9` on `ledger serve` while webhooks arrive and projections run, then a restart on the
 * same store: nothing answered 2xx is lost, nothing is stored or applied twice, and the read
 * models equal a replay of the log. On the embedded store the dead process's lock on DATA_DIR
 * is taken over and PGlite recovers its files.
 */
describe(`kill -9 under load, then a restart (${testStoreKind} store)`, function () {
  this.timeout(180_000);
  let scratch: ScratchDatabase | undefined;
  let child: ReturnType<typeof childEnv>;
  let server: ServeProcess | undefined;
  const tenants: string[] = [];

  const withLedger = async <T>(run: (ledger: Ledger) => Promise<T>): Promise<T> => {
    const ledger = await openLedger(loadConfig({ NODE_ENV: 'test', ...child.env, PORT: undefined }), { command: 'test' });
    try {
      return await run(ledger);
    } finally {
      await ledger.close();
    }
  };

  before(async () => {
    if (testServerUrl) scratch = await createScratchDatabase(testServerUrl, 'ledger_kill9_test');
    child = childEnv(scratch ? { DATABASE_URL: scratch.url } : {});
    await withLedger(async (ledger) => {
      for (let i = 0; i < 3; i++) tenants.push((await ledger.tenants.create(`Tenant ${i}`)).tenant.id);
    });
  });
  after(async () => {
    if (server?.running()) await server.stop();
    await scratch?.drop();
    child?.cleanup();
  });

  it('loses nothing answered 2xx, stores and applies nothing twice, and rebuilds equal', async () => {
    const ids = Array.from({ length: 240 }, (_, i) => `evt_kill9_${i}`);
    const deliver = (url: string, evt: string, i: number) => deliverInvoicePaid(url, { evt, tenant: tenants[i % tenants.length]!, timeoutMs: 10_000 });

    server = await startServe(child.env);
    const first = server;
    let answered = 0;
    const killed = new Promise<void>((resolve) => {
      const watch = setInterval(() => {
        if (answered >= 80) {
          clearInterval(watch);
          first.child.kill('SIGKILL');
          resolve();
        }
      }, 5);
    });
    const firstRound = await inParallel(ids, 8, async (evt, i) => {
      const delivery = await deliver(first.url, evt, i);
      answered += 1;
      return { evt, status: delivery.status };
    });
    await killed;
    await first.exited;
    const accepted = firstRound.filter((d) => d.status === 200).map((d) => d.evt);
    expect(accepted.length).to.be.within(80, ids.length - 1);
    if (!scratch) {
      // The lock a killed process leaves behind names it; the restart takes it over.
      const lock = join(child.env.DATA_DIR!, 'ledger.lock');
      expect(existsSync(lock)).to.equal(true);
      expect(JSON.parse(readFileSync(lock, 'utf8')).pid).to.equal(first.child.pid);
    }

    // Stripe redelivers everything it did not get a 2xx for; here, everything.
    server = await startServe(child.env);
    const second = server;
    const secondRound = await inParallel(ids, 8, async (evt, i) => ({ evt, ...(await deliver(second.url, evt, i)) }));
    expect(secondRound.filter((d) => d.status !== 200), 'redeliveries not answered 200').to.deep.equal([]);
    const duplicates = secondRound.filter((d) => JSON.parse(d.body).duplicate === true).map((d) => d.evt);
    expect(duplicates).to.include.members(accepted);
    // Let the runners apply everything before stopping cleanly.
    const deadline = Date.now() + 60_000;
    for (;;) {
      const metrics = await (await fetch(`${second.url}/metrics`)).text();
      const lag = [...metrics.matchAll(/^ledger_projection_lag_events\{projection="\w+"\} (\d+)/gm)].map((m) => Number(m[1]));
      if (lag.length === allProjections.length && lag.every((n) => n === 0)) break;
      if (Date.now() > deadline) throw new Error(`projections did not catch up:\n${metrics}`);
      await new Promise((resolve) => setTimeout(resolve, 250));
    }
    expect(await second.stop()).to.equal(0);

    await withLedger(async (ledger) => {
      const pool = ledger.database.pool;
      const events = await pool.query<{ id: string; n: number }>(`select metadata->>'stripeEventId' as id, count(*)::int as n from events group by 1`);
      expect(events.rows.filter((row) => row.n !== 1), 'stored twice').to.deep.equal([]);
      expect(events.rows.map((row) => row.id).sort()).to.deep.equal([...ids].sort());
      const payments = await pool.query<{ n: number }>(`select count(*)::int as n from payments`);
      expect(payments.rows[0]!.n).to.equal(ids.length);
      // Each checkpoint counts every event of its streams exactly once: no batch applied twice.
      // (Those of the read models that follow tenant streams: the webhooks here start no process.)
      const followers = allProjections.filter((p) => p.streamPrefixes.includes('tenant-')).map((p) => p.name);
      const checkpoints = await pool.query<{ name: string; events_applied: bigint }>(`select name, events_applied from projection_checkpoints where name = any($1) order by name`, [followers]);
      expect(checkpoints.rows.map((row) => row.name)).to.have.members(followers);
      for (const row of checkpoints.rows) expect(row.events_applied, row.name).to.equal(BigInt(ids.length));
      for (const projection of allProjections) {
        const report = await rebuildProjection(ledger.store, ledger.database.db, projection, ledger.projectionContext);
        expect(report.equal, projection.name).to.equal(true);
      }
    });
  });
});
