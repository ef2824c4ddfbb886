import { expect } from 'chai';
import { randomUUID } from 'node:crypto';
import { jsonLines, runLedger, stderrLines } from '../support/cli.ts';
import { testStoreKind } from '../support/database.ts';
import { suiteCliStoreWithRevenueHistory, type SeededHistory } from '../support/seed-revenue-history.ts';

/** The command itself; the replay's cases are in test/time-travel/tenant-state.test.ts. */
describe(`ledger tenants state --at (${testStoreKind} store)`, function () {
  this.timeout(120_000);
  const history = suiteCliStoreWithRevenueHistory('ledger-tenant-state');
  let env: NodeJS.ProcessEnv;
  let seeded: SeededHistory;

  before(() => ({ env, seeded } = history()));

  it('prints one JSON line: subscription, entitlement and payments as the ledger knew them before --recorded-before', async () => {
    const run = await runLedger(['tenants', 'state', seeded.tenantIds.A, '--at', '2026-03-31T00:00:00Z', '--recorded-before', seeded.beforeLateEvent.toISOString()], env);
    expect(run.code, run.stderr).to.equal(0);
    const [state, ...rest] = jsonLines(run.stdout);
    expect(rest).to.deep.equal([]);
    expect(state).to.include({ tenantId: seeded.tenantIds.A, at: '2026-03-31T00:00:00.000Z', recordedBefore: seeded.beforeLateEvent.toISOString() });
    expect(state!.subscription).to.include({ stripeSubscriptionId: 'sub_a', status: 'active', planId: 'professional-monthly' });
    expect((state!.entitlement as { plan: { limits: Record<string, unknown> } }).plan.limits).to.include({ servers: 5 });
    expect((state!.payments as { unpaidInvoices: unknown[] }).unpaidInvoices).to.deep.equal([{ invoiceId: 'in_a3', status: 'open', amountRemainingMinor: '14900', currency: 'USD' }]);
    expect(state!.events).to.include({ notYetRecorded: 1 });
  });

  it('an unknown tenant or a bad instant is one line, exit 2', async () => {
    for (const args of [[randomUUID(), '--at', '2026-01-01T00:00:00Z'], [randomUUID(), '--at', 'soon']]) {
      const run = await runLedger(['tenants', 'state', ...args], env);
      expect(run.code, args.join(' ')).to.equal(2);
      expect(stderrLines(run), run.stderr).to.have.length(1);
    }
  });
});
