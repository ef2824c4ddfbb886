import { Option, type Command } from 'commander';
import { z } from 'zod';
import { listOutbox } from '../../adapters/email/outbox-mailer.ts';
import type { Ledger } from '../ledger.ts';
import { matching, positiveCount } from './arguments.ts';
import { printJsonLine } from './output.ts';

export function registerOutboxCommands(program: Command, withLedger: (run: (ledger: Ledger) => Promise<void>) => Promise<void>): void {
  const outbox = program.command('outbox').description('mail kept locally when SMTP_URL is unset (the embedded default)');
  outbox
    .command('list')
    .description('one JSON line per message, oldest first: {"messageId","tenantId","to","subject","text","createdAt"}')
    .addOption(new Option('--tenant <id>', "only this tenant's mail").argParser(matching(z.uuid('Expected a tenant id (a UUID).'))))
    .addOption(new Option('--limit <n>', 'at most this many').argParser(positiveCount).default(1000))
    .action((options: { tenant?: string; limit: number }) =>
      withLedger(async (ledger) => {
        for (const entry of await listOutbox(ledger.database.db, { tenantId: options.tenant, limit: options.limit })) printJsonLine(entry);
      }),
    );
}
