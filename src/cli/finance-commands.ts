import type { Command } from 'commander';
import type { Ledger } from '../ledger.ts';
import { registerFinanceReportCommand } from './finance-report-command.ts';

/** `ledger finance …`: figures across every tenant. */
export function registerFinanceCommands(program: Command, withLedger: (run: (ledger: Ledger) => Promise<void>) => Promise<void>): void {
  const finance = program.command('finance').description('payments and revenue across every tenant');
  registerFinanceReportCommand(finance, withLedger);
}
