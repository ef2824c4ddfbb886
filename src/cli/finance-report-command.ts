import { Option, type Command } from 'commander';
import { z } from 'zod';
import { monthSchema } from '../../domain/finance/months.ts';
import type { RevenueReport } from '../../domain/finance/revenue-metrics.ts';
import type { CurrencyAmount, MonthReport } from '../../domain/finance/revenue-report.ts';
import { formatMinor } from '../../domain/money.ts';
import { computeRevenueReport } from '../finance/metrics.ts';
import { revenueReportJson } from '../finance/metrics-json.ts';
import type { Ledger } from '../ledger.ts';
import { matching } from './arguments.ts';
import { printJsonLine } from './output.ts';

type WithLedger = (run: (ledger: Ledger) => Promise<void>) => Promise<void>;

/** An ISO 8601 instant with its offset (`2026-11-01T00:00:00Z`), as the API's recorded_before. */
export const isoInstant = matching(z.iso.datetime({ offset: true, error: 'Expected an ISO 8601 instant, e.g. 2026-11-01T00:00:00Z.' }).transform((text) => new Date(text)));

const percent = (rate: number | null) => (rate === null ? '—' : `${(rate * 100).toFixed(2)}%`);

function amounts(list: readonly CurrencyAmount[]): string {
  return list.length ? list.map((a) => `${a.currency} ${formatMinor(a.amountMinor, a.currency)} (${a.count})`).join(', ') : '—';
}

/** The month as a person reads it: MRR per currency in columns, then one line per figure. */
export function reportTable(report: RevenueReport, m: MonthReport): string {
  const rows: [string, ...string[]][] = [['MRR', ...m.mrr.map((c) => c.currency)]];
  const row = (label: string, cell: (c: MonthReport['mrr'][number]) => string) => rows.push([label, ...m.mrr.map(cell)]);
  const money = (pick: (c: MonthReport['mrr'][number]) => bigint | null) => (c: MonthReport['mrr'][number]) => {
    const value = pick(c);
    return value === null ? '—' : formatMinor(value, c.currency);
  };
  row('start', money((c) => c.startMinor));
  row('+ new', money((c) => c.newMinor));
  row('+ expansion', money((c) => c.expansionMinor));
  row('+ reactivation', money((c) => c.reactivationMinor));
  row('- contraction', money((c) => c.contractionMinor));
  row('- churned', money((c) => c.churnedMinor));
  row('end', money((c) => c.endMinor));
  row('paying customers', (c) => String(c.payingCustomers));
  row('ARPU', money((c) => c.arpuMinor));
  row('gross revenue churn', (c) => percent(c.grossRevenueChurnRate));
  row('net revenue churn', (c) => percent(c.netRevenueChurnRate));
  const widths = rows[0]!.map((_, i) => Math.max(...rows.map((r) => r[i]!.length)));
  const table = rows.map((r) => r.map((cell, i) => (i === 0 ? cell.padEnd(widths[i]!) : cell.padStart(widths[i]!))).join('  ')).join('\n');
  const { customers: k, payments: p } = m;
  const failed = p.failed.length
    ? p.failed.map((f) => `${f.currency} ${formatMinor(f.amountMinor, f.currency)} (${f.invoices} invoices, ${f.recoveredInvoices} recovered: ${formatMinor(f.recoveredAmountMinor, f.currency)})`).join(', ')
    : '—';
  return [
    `Revenue report ${m.month} (${m.start.toISOString()} to ${m.end.toISOString()}), ${report.recordedBefore ? `events recorded before ${report.recordedBefore.toISOString()}` : 'every event recorded so far'}`,
    '',
    m.mrr.length ? table : 'MRR: none',
    '',
    `Customers: ${k.start} at the start, ${k.end} at the end; ${k.new} new, ${k.reactivated} reactivated, ${k.churned} churned (${k.churnedInvoluntarily} involuntarily)`,
    `Logo churn rate: ${percent(m.logoChurnRate)}   Involuntary churn share: ${percent(m.involuntaryChurnShare)}`,
    `Payments: ${p.succeeded} succeeded, ${p.failedAttempts} failed attempts; success rate ${percent(p.successRate)}`,
    `Failed payments: ${failed}; recovery rate ${percent(p.recoveryRate)}`,
    `Refunds: ${amounts(m.refunds)}`,
    `Disputes: opened ${amounts(m.disputes.opened)}; won ${m.disputes.won}; lost ${amounts(m.disputes.lost)}`,
    `Events: ${m.events.inPeriod} in the month, ${m.events.late} of them recorded after it ended; ${m.events.testModeExcluded} test-mode left out` +
      (m.unpricedSubscriptions ? `; ${m.unpricedSubscriptions} paying subscriptions of unknown price counted as 0` : ''),
  ].join('\n');
}

/** `report` under the `finance` command group. */
export function registerFinanceReportCommand(finance: Command, withLedger: WithLedger): void {
  finance
    .command('report')
    .description("a month's revenue figures from the log (MRR and its movements, churn, payments, refunds, disputes); see the README's \"Revenue metrics\"")
    .addOption(new Option('--month <YYYY-MM>', 'the month (UTC)').argParser(matching(monthSchema.describe('month'))).makeOptionMandatory())
    .addOption(new Option('--recorded-before <ISO>', 'only events the ledger had recorded before this instant: the report as it was then').argParser(isoInstant))
    .option('--json', 'one JSON object, as GET /api/v1/finance/metrics answers')
    .action((options: { month: string; recordedBefore?: Date; json?: boolean }) =>
      withLedger(async (ledger) => {
        const report = await computeRevenueReport(ledger.store, ledger.plans, { from: options.month, to: options.month, recordedBefore: options.recordedBefore ?? null });
        if (options.json) printJsonLine(revenueReportJson(report));
        else process.stdout.write(`${reportTable(report, report.months[0]!)}\n`);
      }),
    );
}
