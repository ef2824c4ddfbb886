import { Option, type Command } from 'commander';
import { z } from 'zod';
import { grantFinanceReadonly, READONLY_ROLE_NAME } from '../finance/grant-readonly.ts';
import type { Ledger } from '../ledger.ts';
import { matching } from './arguments.ts';
import { printJsonLine } from './output.ts';

/** `ledger finance grant-readonly --role <name>`: a role for BI tools that may SELECT the finance tables and nothing else. */
export function registerFinanceGrantCommand(finance: Command, withLedger: (run: (ledger: Ledger) => Promise<void>) => Promise<void>): void {
  finance
    .command('grant-readonly')
    .description('create (if missing) a NOLOGIN Postgres role that may only SELECT the finance tables (docs/finance-tables.md); idempotent; Postgres server only')
    .addOption(
      new Option('--role <name>', 'the role, e.g. finance_readonly')
        .argParser(matching(z.string().regex(READONLY_ROLE_NAME, 'Expected lower-case letters, digits and _, not starting with pg_.')))
        .makeOptionMandatory(),
    )
    .action((options: { role: string }) =>
      withLedger(async (ledger) => {
        const result = await grantFinanceReadonly(ledger.database, options.role);
        printJsonLine({ role: options.role, created: result.created, tables: result.tables });
      }),
    );
}
