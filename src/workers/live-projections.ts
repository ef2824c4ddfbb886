import { allProjections } from '../../projections/all.ts';
import type { Projection } from '../../projections/projection.ts';
import type { Ledger } from '../ledger.ts';
import { liveTarget } from './apply-batch.ts';
import { catchUpLiveTargets } from './catch-up-live-targets.ts';
import { liveVersion } from './projection-versions.ts';
import type { SetAsideEvent } from './set-aside.ts';

/**
 * Applies everything visible in the log now to the live tables of `projections`, reading the log
 * once for all that follow the tenant streams (read once per projection, a log of a million
 * events took minutes for each).
 * Tables built by another version are left alone (this code cannot write them; the runner or
 * `projections rebuild` replaces them) and named in `outdated`.
 */
export async function catchUpLive(ledger: Ledger, projections: readonly Projection[] = allProjections): Promise<{ outdated: string[]; setAside: SetAsideEvent[] }> {
  const outdated: string[] = [];
  const current: Projection[] = [];
  for (const projection of projections) {
    if ((await liveVersion(ledger.database.db, projection)).outdated) outdated.push(projection.name);
    else current.push(projection);
  }
  const runs = await catchUpLiveTargets(
    ledger.store,
    ledger.database.db,
    current.map((projection) => ({ target: liveTarget(projection, ledger.projectionContext) })),
  );
  return { outdated, setAside: runs.flatMap((run) => run.setAside) };
}
