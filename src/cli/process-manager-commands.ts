import { Argument, type Command } from 'commander';
import { z } from 'zod';
import { infrastructureStatus } from '../../domain/provisioning/infrastructure-status.ts';
import type { Ledger } from '../ledger.ts';
import { createLogger } from '../logger.ts';
import { startProcessManager } from '../workers/process-manager/start-process-manager.ts';
import { loadProvisioning } from '../workers/process-manager/provisioning/provisioning-stream.ts';
import { requestProvisioningRetry } from '../workers/process-manager/provisioning/request-retry.ts';
import { matching } from './arguments.ts';
import { printJsonLine } from './output.ts';

const tenantIdArgument = () => new Argument('<tenantId>', 'the tenant (`ledger tenants list`)').argParser(matching(z.uuid('Expected a tenant id (a UUID).')));

export function registerProcessManagerCommands(program: Command, withLedger: (run: (ledger: Ledger) => Promise<void>) => Promise<void>): void {
  program
    .command('process-manager')
    .description('run the process manager alone (provisioning, ...) until SIGINT/SIGTERM; `ledger serve` runs it too')
    .action(() =>
      withLedger(async (ledger) => {
        const logger = createLogger(ledger.config.logLevel);
        const running = startProcessManager(ledger, logger);
        logger.info('process manager running');
        const signal = await new Promise<NodeJS.Signals>((resolve) => {
          process.once('SIGINT', resolve);
          process.once('SIGTERM', resolve);
        });
        logger.info({ signal }, 'shutting down');
        await running.stop();
        logger.info('stopped');
      }),
    );

  const provisioning = program.command('provisioning').description("tenants' infrastructure provisioning");
  provisioning
    .command('status')
    .description('where a tenant\'s provisioning stands: one JSON line ({"status": "not_started" | "provisioning" | "delayed" | "ready", ...})')
    .addArgument(tenantIdArgument())
    .action((tenantId: string) =>
      withLedger(async (ledger) => {
        const { state } = await loadProvisioning(ledger.store, tenantId);
        const failed = state.ready ? null : state.failed;
        printJsonLine({ tenantId, ...infrastructureStatus(state), lastError: failed?.error ?? null, failures: state.failures });
      }),
    );
  provisioning
    .command('retry')
    .description('resume a delayed (or failed) provisioning from its failed step; the running process manager picks it up')
    .addArgument(tenantIdArgument())
    .action((tenantId: string) =>
      withLedger(async (ledger) => {
        const { step } = await requestProvisioningRetry(ledger.store, tenantId, 'ledger provisioning retry', new Date());
        printJsonLine({ tenantId, retryRequested: true, step });
      }),
    );
}
