import { expect } from 'chai';
import { randomUUID } from 'node:crypto';
import type { Json } from '../../domain/ports/event-store.ts';
import { loadConfig } from '../../src/config.ts';
import { FINANCE_PAYMENT_CSV_COLUMNS } from '../../src/finance/payment-export.ts';
import { openLedger } from '../../src/ledger.ts';
import { catchUpLive } from '../../src/workers/live-projections.ts';
import { runLedger, stderrLines } from '../support/cli.ts';
import { suiteCliStore } from '../support/cli-store.ts';
import { testStoreKind } from '../support/database.ts';
import { invoicePaid, T0 } from '../support/domain-events.ts';

const DAY = 86_400;

describe(`ledger finance export and grant-readonly (${testStoreKind} store)`, function () {
  // Every step is a `ledger` process opening the store: slow on a busy machine.
  this.timeout(300_000);
  const store = suiteCliStore('ledger-finance-cli', { LOG_LEVEL: 'warn' });
  let env: NodeJS.ProcessEnv;
  let tenant: string;

  before(async () => {
    env = store();
    const ledger = await openLedger(loadConfig(env), { command: 'test setup' });
    try {
      tenant = (await ledger.tenants.create('Acme')).tenant.id;
      const paid = [
        invoicePaid({ id: 'in_jan', amountPaid: 14_900, description: 'Pro, "monthly", January' }, { tenantId: tenant, created: T0 }),
        invoicePaid({ id: 'in_feb', amountPaid: 5_000, currency: 'JPY' }, { tenantId: tenant, created: T0 + 31 * DAY }),
        invoicePaid({ id: 'in_mar', amountPaid: 990 }, { tenantId: tenant, created: T0 + 59 * DAY }),
      ];
      await ledger.store.append(`tenant-${tenant}`, paid.map((e) => ({ id: randomUUID(), type: e.type, data: e.data as unknown as Json })));
      await catchUpLive(ledger);
    } finally {
      await ledger.close();
    }
  });

  it('writes the payments paid in [--from, --to) as CSV with the API columns, progress on stderr', async () => {
    const run = await runLedger(['finance', 'export', '--from', '2026-01-01', '--to', '2026-03-01', '--format', 'csv'], env);
    expect(run.code, run.stderr).to.equal(0);
    const [header, ...lines] = run.stdout.trimEnd().split('\r\n');
    expect(header).to.equal(FINANCE_PAYMENT_CSV_COLUMNS.map((c) => c.header).join(','));
    expect(lines).to.have.length(2);
    expect(lines[0]).to.include(`${tenant},succeeded,149.00,14900,`).and.to.include('"Pro, ""monthly"", January"');
    expect(lines[1]).to.include(',5000,5000,').and.to.include(',JPY,');
    expect(stderrLines(run).at(-1)).to.match(/^finance export: 2 payments exported, [\d,]+ rows\/s$/);
  });

  it('writes them as a JSON array, the same fields as the API', async () => {
    const run = await runLedger(['finance', 'export', '--from', '2026-01-01T00:00:00Z', '--to', '2027-01-01', '--format', 'json'], env);
    expect(run.code, run.stderr).to.equal(0);
    const rows = JSON.parse(run.stdout) as Record<string, unknown>[];
    expect(rows.map((r) => [r.invoice_id, r.amount, r.currency])).to.deep.equal([
      ['in_jan', '149.00', 'USD'],
      ['in_feb', '5000', 'JPY'],
      ['in_mar', '9.90', 'USD'],
    ]);
    expect(Object.keys(rows[0]!)).to.deep.equal(FINANCE_PAYMENT_CSV_COLUMNS.map((c) => c.header));
  });

  it('refuses a bad date, a backwards range or a missing option in one line with exit 2', async () => {
    for (const args of [
      ['--from', 'yesterday', '--to', '2026-03-01'],
      ['--from', '2026-03-01', '--to', '2026-01-01'],
      ['--to', '2026-03-01'],
      ['--from', '2026-01-01', '--to', '2026-03-01', '--format', 'xml'],
    ]) {
      const run = await runLedger(['finance', 'export', ...args], env);
      expect(run.code, args.join(' ')).to.equal(2);
      expect(stderrLines(run), args.join(' ')).to.have.length(1);
      expect(run.stdout).to.equal('');
    }
  });

  if (testStoreKind === 'embedded') {
    it('grant-readonly refuses the embedded store, saying why', async () => {
      const run = await runLedger(['finance', 'grant-readonly', '--role', 'finance_readonly'], env);
      expect(run.code).to.equal(2);
      expect(stderrLines(run).join('\n')).to.include('needs a Postgres server (set DATABASE_URL)');
    });
  }
});
