import { Argument, Option, type Command } from 'commander';
import { z } from 'zod';
import { OperatorError } from '../../domain/operator-error.ts';
import type { Ledger } from '../ledger.ts';
import { readWholeStream, tenantStateAt, tenantStreams } from '../time-travel/tenant-state.ts';
import { matching } from './arguments.ts';
import { isoInstant } from './finance-report-command.ts';
import { printJsonLine } from './output.ts';

type WithLedger = (run: (ledger: Ledger) => Promise<void>) => Promise<void>;

/** `state` under the `tenants` command group: time travel through one tenant's history. */
export function registerTenantStateCommand(tenants: Command, withLedger: WithLedger): void {
  tenants
    .command('state')
    .description("the tenant's subscription, entitlement and payments as of an instant, replayed from its streams; one JSON line")
    .addArgument(new Argument('<tenantId>', 'the tenant (`ledger tenants list`)').argParser(matching(z.uuid('Expected a tenant id (a UUID).'))))
    .addOption(new Option('--at <ISO>', "take the events that had happened by then (Stripe's created, an intent's requestedAt)").argParser(isoInstant).makeOptionMandatory())
    .addOption(new Option('--recorded-before <ISO>', 'and that the ledger had recorded before this instant: what it knew then').argParser(isoInstant))
    .action((tenantId: string, options: { at: Date; recordedBefore?: Date }) =>
      withLedger(async (ledger) => {
        if (!(await ledger.tenants.exists(tenantId))) throw new OperatorError(`no tenant ${tenantId} (\`ledger tenants list\` shows them)`);
        const recorded = (await Promise.all(tenantStreams(tenantId).map((stream) => readWholeStream(ledger.store, stream)))).flat();
        printJsonLine(tenantStateAt(tenantId, recorded, { at: options.at, recordedBefore: options.recordedBefore ?? null }, ledger.projectionContext, ledger.plans));
      }),
    );
}
