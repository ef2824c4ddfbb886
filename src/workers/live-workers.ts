import { allProjections } from '../../projections/all.ts';
import type { Ledger } from '../ledger.ts';
import type { Logger } from '../logger.ts';
import { liveTarget } from './apply-batch.ts';
import { runProjection, type RunnerHooks } from './projection-runner.ts';
import { runRerouter } from './rerouter.ts';
import { DEFAULT_SET_ASIDE_POLICY } from './set-aside.ts';
import { createStartupCatchUp } from './startup-catch-up.ts';

export interface LiveWorkers {
  /** Each runner finishes the batch in hand, then everything stops. */
  stop(): Promise<void>;
}

/**
 * What keeps the read models current: a runner per projection and the re-router. Started by
 * `ledger serve` (unless RUN_PROJECTIONS=false) and by `ledger projections run`, so ingest and
 * projections can run in processes of their own. Instances share the work safely: each runner
 * holds its projection's lease. Runners that start together catch up with one read of the log.
 */
export function startLiveWorkers(ledger: Ledger, logger: Logger, hooks?: RunnerHooks): LiveWorkers {
  const stopping = new AbortController();
  const attempts = ledger.config.projectionRetryAttempts;
  const policy = { ...DEFAULT_SET_ASIDE_POLICY, attempts, signal: stopping.signal };
  const shared = createStartupCatchUp(ledger.store, ledger.database.db, policy, allProjections.length);
  const options = { hooks, leases: ledger.leases, attempts, catchUp: shared.catchUp };
  const workers = allProjections.map((projection) =>
    runProjection(ledger.store, ledger.database.db, liveTarget(projection, ledger.projectionContext), logger, options),
  );
  const rerouter = runRerouter(ledger.store, ledger.routing, logger);
  return {
    async stop() {
      stopping.abort();
      await Promise.all([rerouter.stop(), ...workers.map((worker) => worker.stop())]);
    },
  };
}
