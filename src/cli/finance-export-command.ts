import { once } from 'node:events';
import { Option, type Command } from 'commander';
import { z } from 'zod';
import { exportPayments, type ExportFormat } from '../finance/payment-export.ts';
import { throttle } from '../streams/progress-line.ts';
import type { Ledger } from '../ledger.ts';
import { matching } from './arguments.ts';

/** A date (midnight UTC) or an instant with its offset. */
const instant = matching(
  z.union([z.iso.date().transform((d) => new Date(`${d}T00:00:00Z`)), z.iso.datetime({ offset: true }).transform((d) => new Date(d))], {
    error: 'Expected an ISO 8601 date (2026-10-01) or instant (2026-10-01T00:00:00Z).',
  }),
);

const currency = matching(z.string().regex(/^[A-Za-z]{3}$/, 'Expected a 3-letter ISO 4217 code.').transform((c) => c.toUpperCase()));

interface ExportOptions {
  from: Date;
  to: Date;
  format: ExportFormat;
  tenant?: string;
  currency?: string;
  livemode?: boolean;
}

/**
 * `ledger finance export`: every tenant's payments paid in [--from, --to) on stdout, in the same
 * rows and columns as GET /api/v1/finance/payments, read in batches (constant memory) and written
 * as stdout drains; progress on stderr.
 */
export function registerFinanceExportCommand(finance: Command, withLedger: (run: (ledger: Ledger) => Promise<void>) => Promise<void>): void {
  finance
    .command('export')
    .description('write every payment paid in [--from, --to) to stdout, oldest first, as CSV or a JSON array (the API\'s rows); progress on stderr')
    .addOption(new Option('--from <date>', 'paid at or after (ISO date or instant)').argParser(instant).makeOptionMandatory())
    .addOption(new Option('--to <date>', 'paid before (ISO date or instant)').argParser(instant).makeOptionMandatory())
    .addOption(new Option('--format <format>', 'csv or json').choices(['csv', 'json']).default('csv'))
    .addOption(new Option('--tenant <id>', "only this tenant's payments").argParser(matching(z.uuid('Expected a tenant id (a UUID).'))))
    .addOption(new Option('--currency <code>', 'only this currency').argParser(currency))
    .addOption(new Option('--livemode <bool>', 'true: live payments only; false: test mode only').choices(['true', 'false']).argParser((v) => v === 'true'))
    .action(function (this: Command, options: ExportOptions) {
      if (options.to <= options.from) this.error('error: --to must be after --from', { exitCode: 2 });
      return withLedger(async (ledger) => {
        let rows = 0;
        const started = performance.now();
        const due = throttle(1000);
        const report = (final = false) => {
          if (!due(final)) return;
          const seconds = (performance.now() - started) / 1000;
          process.stderr.write(`finance export: ${rows.toLocaleString('en-US')} payments${final ? ' exported' : ''}, ${Math.round(rows / Math.max(seconds, 0.001)).toLocaleString('en-US')} rows/s\n`);
        };
        const chunks = exportPayments(
          ledger.financePayments,
          { paidFrom: options.from, paidTo: options.to, tenantId: options.tenant, currency: options.currency, livemode: options.livemode },
          { format: options.format, sort: 'paid_at', onRow: () => (rows++, report()) },
        );
        for await (const chunk of chunks) {
          if (!process.stdout.write(chunk)) await once(process.stdout, 'drain');
        }
        report(true);
      });
    });
}
