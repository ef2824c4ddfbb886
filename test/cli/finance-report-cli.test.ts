import { expect } from 'chai';
import { jsonLines, runLedger, stderrLines } from '../support/cli.ts';
import { testStoreKind } from '../support/database.ts';
import { suiteCliStoreWithRevenueHistory, type SeededHistory } from '../support/seed-revenue-history.ts';

describe(`ledger finance report (${testStoreKind} store)`, function () {
  this.timeout(120_000);
  const history = suiteCliStoreWithRevenueHistory('ledger-finance-report');
  let env: NodeJS.ProcessEnv;
  let seeded: SeededHistory;

  before(() => ({ env, seeded } = history()));

  it('--json prints the month as the API answers it, with the hand-computed figures', async () => {
    const run = await runLedger(['finance', 'report', '--month', '2026-02', '--json'], env);
    expect(run.code, run.stderr).to.equal(0);
    const [report, ...rest] = jsonLines(run.stdout);
    expect(rest).to.deep.equal([]);
    expect(report).to.include({ from: '2026-02', to: '2026-02', interval: 'month', recorded_before: null });
    const [feb] = report!.months as Record<string, unknown>[];
    expect((feb!.mrr as Record<string, unknown>[]).find((c) => c.currency === 'USD')).to.deep.include({ start_minor: 37_117, end_minor: 37_117, new_minor: 4900, expansion_minor: 10_000, contraction_minor: 10_000, churned_minor: 4900 });
    expect(feb).to.deep.include({ logo_churn_rate: 0.2 });
    expect(feb!.payments).to.deep.include({ succeeded: 4, failed_attempts: 3, success_rate: 0.5714, recovery_rate: 0.5 });
  });

  it('prints a readable table by default, amounts in major units per currency', async () => {
    const run = await runLedger(['finance', 'report', '--month', '2026-03'], env);
    expect(run.code, run.stderr).to.equal(0);
    const lines = run.stdout.split('\n');
    expect(lines[0]).to.include('Revenue report 2026-03').and.include('every event recorded so far');
    expect(lines.find((l) => l.startsWith('MRR'))).to.match(/^MRR\s+EUR\s+USD$/);
    expect(lines.find((l) => l.startsWith('start'))).to.match(/^start\s+45\.00\s+371\.17$/);
    expect(lines.find((l) => l.startsWith('end'))).to.match(/^end\s+0\.00\s+322\.17$/);
    expect(lines.find((l) => l.startsWith('ARPU'))).to.match(/^ARPU\s+—\s+107\.39$/);
    expect(run.stdout).to.include('Logo churn rate: 40.00%   Involuntary churn share: 50.00%');
    expect(run.stdout).to.include('Refunds: USD 20.00 (1)');
    expect(run.stdout).to.include('Events: 5 in the month, 5 of them recorded after it ended');
  });

  it('--recorded-before reproduces the report as the ledger knew it then', async () => {
    const run = await runLedger(['finance', 'report', '--month', '2026-03', '--json', '--recorded-before', seeded.beforeLateEvent.toISOString()], env);
    expect(run.code, run.stderr).to.equal(0);
    const [report] = jsonLines(run.stdout);
    expect(report!.recorded_before).to.equal(seeded.beforeLateEvent.toISOString());
    const [mar] = report!.months as Record<string, Record<string, unknown>>[];
    expect(mar!.payments).to.deep.include({ succeeded: 0, success_rate: null });
    expect(mar!.events).to.deep.include({ in_period: 4 });
  });

  it('refuses a malformed month or instant in one line, exit 2', async () => {
    for (const args of [['--month', '2026-13'], ['--month', '2026-03', '--recorded-before', 'yesterday']]) {
      const run = await runLedger(['finance', 'report', ...args], env);
      expect(run.code, args.join(' ')).to.equal(2);
      expect(stderrLines(run), args.join(' ')).to.have.length(1);
    }
  });
});
