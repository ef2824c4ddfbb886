import { expect } from 'chai';
import { randomUUID } from 'node:crypto';
import type { Json } from '../../domain/ports/event-store.ts';
import { projectionByName } from '../../projections/all.ts';
import { loadConfig } from '../../src/config.ts';
import { openLedger } from '../../src/ledger.ts';
import { rebuildProjection } from '../../src/workers/rebuild.ts';
import { jsonLines, runLedger } from '../support/cli.ts';
import { suiteCliStore } from '../support/cli-store.ts';
import { testStoreKind } from '../support/database.ts';
import { invoicePaid } from '../support/domain-events.ts';

/** `projections rebuild`, `failures`, `status` and `retry` on a log holding an event the payments projection cannot apply. */
describe(`ledger projections failures and retry (${testStoreKind} store)`, function () {
  this.timeout(60_000);
  const poisonId = randomUUID();
  const store = suiteCliStore('ledger-failures-cli', { STRIPE_WEBHOOK_SIGNING_SECRET: 'whsec_failures_cli', LOG_LEVEL: 'warn' });
  let env: NodeJS.ProcessEnv;

  before(async () => {
    env = store();
    const ledger = await openLedger(loadConfig(env), { command: 'test setup' });
    try {
      const tenant = (await ledger.tenants.create('Acme')).tenant.id;
      const poison = invoicePaid({ id: 'in_poison', paidAt: -1_000_000_000_000 }, { tenantId: tenant, created: -1_000_000_000_000 });
      const good = invoicePaid({ id: 'in_good' }, { tenantId: tenant });
      await ledger.store.append(`tenant-${tenant}`, [
        { id: poisonId, type: poison.type, data: poison.data as unknown as Json },
        { id: randomUUID(), type: good.type, data: good.data as unknown as Json },
      ]);
      // Set aside already, as a running ledger would have done: each command finds it there.
      await rebuildProjection(ledger.store, ledger.database.db, projectionByName('payments'), ledger.projectionContext, { setAside: { attempts: 1, backoffMs: 0 } });
    } finally {
      await ledger.close();
    }
  });

  it('rebuild replays past the event, reports it set aside, and exits 4', async () => {
    const run = await runLedger(['projections', 'rebuild', 'payments'], env);
    expect(run.code, run.stderr).to.equal(4);
    const [report] = jsonLines(run.stdout);
    expect(report).to.include({ projection: 'payments', eventsApplied: 1 });
    expect((report!.setAside as { eventId: string }[]).map((e) => e.eventId)).to.deep.equal([poisonId]);
  });

  it('failures lists it with its error and attempts; status counts it', async () => {
    const failures = await runLedger(['projections', 'failures'], env);
    expect(failures.code, failures.stderr).to.equal(0);
    const [letter, ...rest] = jsonLines(failures.stdout);
    expect(rest).to.deep.equal([]);
    expect(letter).to.include({ projection: 'payments', eventId: poisonId, eventType: 'InvoicePaid', revision: '0', resolvedAt: null });
    expect(letter!.attempts).to.be.a('number');
    const status = await runLedger(['projections', 'status'], env);
    const payments = jsonLines(status.stdout).find((line) => line.projection === 'payments');
    expect(payments).to.deep.include({ setAside: 1, version: { tables: projectionByName('payments').version, code: projectionByName('payments').version, outdated: false } });
  });

  it('retry tries it again, prints the outcome and exits 4 while it still fails', async () => {
    const run = await runLedger(['projections', 'retry', 'payments'], env);
    expect(run.code, run.stderr).to.equal(4);
    expect(jsonLines(run.stdout)).to.have.length(1);
    expect(jsonLines(run.stdout)[0]).to.include({ eventId: poisonId, resolved: false });
  });
});
