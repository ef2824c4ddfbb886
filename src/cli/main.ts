import { constants } from 'node:os';
import { Command, Option } from 'commander';
import { allProjections } from '../../projections/all.ts';
import { OperatorError } from '../../domain/operator-error.ts';
import { loadConfig } from '../config.ts';
import { openLedger, type Ledger, type OpenLedgerOptions } from '../ledger.ts';
import { createLogger } from '../logger.ts';
import { serve } from '../serve.ts';
import { exitOnMistake, nonBlank } from './arguments.ts';
import { startCommand } from './command-start.ts';
import { printJsonLine } from './output.ts';
import { keyLine, registerKeyCommands } from './key-commands.ts';
import { registerOutboxCommands } from './outbox-commands.ts';
import { registerFinanceCommands } from './finance-commands.ts';
import { registerTenantStateCommand } from './tenant-state-command.ts';
import { registerProcessManagerCommands } from './process-manager-commands.ts';
import { registerProjectionCommands } from './projection-commands.ts';
import { registerStreamCommands } from './stream-commands.ts';
import { registerUnroutedCommands } from './unrouted-commands.ts';

/** Errors an operator can act on are printed as one message; anything else keeps its stack. */
function fail(error: unknown): never {
  if (error instanceof OperatorError) {
    process.stderr.write(`${error.message}\n`);
    process.exit(2);
  }
  process.stderr.write(`${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
  process.exit(1);
}

async function withLedger(run: (ledger: Ledger) => Promise<void>, open: Pick<OpenLedgerOptions, 'adoptEventLog'> = {}): Promise<void> {
  const config = loadConfig();
  const ledger = await openLedger(config, {
    ...open,
    command: `ledger ${process.argv.slice(2).join(' ')}`,
    onEventLogReplaced: ({ replaced, current }) =>
      process.stderr.write(
        `The read models were built from another event log (${replaced?.storeKind}), not this one (${current.storeKind}): every projection will be rebuilt from it (\`ledger projections rebuild\`, or \`ledger serve\` does it on start).\n`,
      ),
  });
  try {
    await run(ledger);
  } finally {
    await ledger.close();
  }
}

startCommand();

// Every command below inherits the exit: a mistyped command or argument prints one line, exits 2.
const program = new Command('ledger')
  .description('Event-sourced billing ledger for Stripe')
  .exitOverride(exitOnMistake)
  .configureOutput({ writeErr: (s) => process.stderr.write(s) });

program
  .command('serve')
  .description('run the HTTP server, projections and re-router (what `npm start` runs)')
  .action(async () => {
    const config = loadConfig();
    const logger = createLogger(config.logLevel);
    const server = await serve(config, logger);
    let stopping = false;
    const stop = (signal: NodeJS.Signals) => {
      if (stopping) {
        // An operator who asks twice means now.
        process.stderr.write(`${signal} again: exiting without waiting for the shutdown to finish\n`);
        process.exit(128 + (constants.signals[signal] ?? 0));
      }
      stopping = true;
      logger.info({ signal }, 'shutting down');
      setTimeout(() => {
        process.stderr.write(`Shutdown did not finish within ${config.shutdownTimeoutMs} ms (SHUTDOWN_TIMEOUT_MS); exiting\n`);
        process.exit(1);
      }, config.shutdownTimeoutMs).unref();
      server.close().then(
        () => {
          logger.info('stopped');
          process.exit(0);
        },
        (error) => fail(error),
      );
    };
    process.on('SIGINT', stop);
    process.on('SIGTERM', stop);
  });

program
  .command('migrate')
  .description('create or update the event store, ledger and read-model tables')
  .action(() =>
    withLedger(async (ledger) => {
      printJsonLine({ migrated: true, store: ledger.database.description, projections: allProjections.map((p) => p.name) });
    }),
  );

const tenants = program.command('tenants').description('tenants (their keys: `ledger keys`)');
tenants
  .command('create')
  .description('create a tenant and its first tenant key; prints {"tenantId","apiKey","key"} (the key is shown only this once)')
  .addOption(new Option('--name <name>', 'display name').makeOptionMandatory().argParser(nonBlank))
  .action((options: { name: string }) =>
    withLedger(async (ledger) => {
      const { tenant, apiKey, key } = await ledger.tenants.create(options.name);
      printJsonLine({ tenantId: tenant.id, apiKey, key: keyLine(key) });
    }),
  );
tenants
  .command('list')
  .description('one JSON line per tenant (`ledger keys list --tenant <id>` shows its keys)')
  .action(() =>
    withLedger(async (ledger) => {
      for (const t of await ledger.tenants.list()) {
        printJsonLine({ tenantId: t.id, name: t.name, createdAt: t.createdAt });
      }
    }),
  );

registerTenantStateCommand(tenants, withLedger);
registerKeyCommands(program, withLedger);
registerFinanceCommands(program, withLedger);
registerProjectionCommands(program, withLedger);
registerUnroutedCommands(program, withLedger);
registerStreamCommands(program, withLedger);
registerOutboxCommands(program, withLedger);
registerProcessManagerCommands(program, withLedger);

program.parseAsync(process.argv).catch(fail);
