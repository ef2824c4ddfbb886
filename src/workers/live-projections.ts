import { allProjections } from '../../projections/all.ts';
import type { Projection } from '../../projections/projection.ts';
import type { Ledger } from '../ledger.ts';
import { liveTarget } from './apply-batch.ts';
import { catchUp } from './catch-up.ts';
import { liveVersion } from './projection-versions.ts';
import type { SetAsideEvent } from './set-aside.ts';

/**
 * Applies everything visible in the log now to the live tables of `projections`. Tables built by
 * another version are left alone (this code cannot write them; the runner or `projections
 * rebuild` replaces them) and named in `outdated`.
 */
export async function catchUpLive(ledger: Ledger, projections: readonly Projection[] = allProjections): Promise<{ outdated: string[]; setAside: SetAsideEvent[] }> {
  const outdated: string[] = [];
  const setAside: SetAsideEvent[] = [];
  for (const projection of projections) {
    if ((await liveVersion(ledger.database.db, projection)).outdated) {
      outdated.push(projection.name);
      continue;
    }
    const run = await catchUp(ledger.store, ledger.database.db, liveTarget(projection, ledger.projectionContext));
    setAside.push(...run.setAside);
  }
  return { outdated, setAside };
}
