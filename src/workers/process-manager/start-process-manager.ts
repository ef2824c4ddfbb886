import type { LeaseProvider } from '../../../adapters/db/advisory-lease.ts';
import { systemClock } from '../../../adapters/clock/system-clock.ts';
import type { Clock } from '../../../domain/ports/clock.ts';
import type { Ledger } from '../../ledger.ts';
import type { Logger } from '../../logger.ts';
import { openProcessPorts } from '../../process-ports.ts';
import type { ProcessDefinition, ProcessPorts } from './process.ts';
import { runProcessManager, type RunningProcessManager } from './process-manager-runner.ts';
import { processDefinitions } from './processes.ts';

export interface StartProcessManagerOptions {
  readonly clock?: Clock;
  /** The outside services; default: as configured (or the local stand-ins). */
  readonly ports?: ProcessPorts;
  readonly processes?: readonly ProcessDefinition[];
  /** null: act without the lease (tests of two instances that both believe they hold it). */
  readonly leases?: LeaseProvider | null;
}

/** The process manager wired to a ledger: what `serve` and `ledger process-manager` run. */
export function startProcessManager(ledger: Ledger, logger: Logger, options: StartProcessManagerOptions = {}): RunningProcessManager {
  const config = ledger.config;
  const opened = options.ports ? null : openProcessPorts(config, { db: ledger.database.db, dataDir: config.dataDir, logger });
  const runner = runProcessManager({
    store: ledger.store,
    db: ledger.database.db,
    clock: options.clock ?? systemClock,
    logger,
    ports: options.ports ?? opened!,
    processes: options.processes ?? processDefinitions({ processManager: config.processManager, appUrl: config.appUrl, plans: ledger.plans }),
    leases: options.leases === null ? undefined : (options.leases ?? ledger.leases),
    pollMs: config.processManager.pollMs,
    attempts: config.projectionRetryAttempts,
  });
  return {
    wake: runner.wake,
    async stop() {
      await runner.stop();
      await opened?.close();
    },
  };
}
