import type { Command } from 'commander';
import type { Ledger } from '../ledger.ts';
import { registerFinanceExportCommand } from './finance-export-command.ts';
import { registerFinanceGrantCommand } from './finance-grant-command.ts';
import { registerFinanceReportCommand } from './finance-report-command.ts';

type WithLedger = (run: (ledger: Ledger) => Promise<void>) => Promise<void>;

/** Each adds one subcommand to `ledger finance`: a new one is one more entry here. */
const FINANCE_SUBCOMMANDS: readonly ((finance: Command, withLedger: WithLedger) => void)[] = [
  registerFinanceExportCommand,
  registerFinanceGrantCommand,
  registerFinanceReportCommand,
];

export function registerFinanceCommands(program: Command, withLedger: WithLedger): void {
  const finance = program.command('finance').description("finance: every tenant's payments and revenue, exports, read-only SQL access");
  for (const register of FINANCE_SUBCOMMANDS) register(finance, withLedger);
}
