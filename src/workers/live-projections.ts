import { allProjections } from '../../projections/all.ts';
import type { Projection } from '../../projections/projection.ts';
import type { Ledger } from '../ledger.ts';
import { liveTarget } from './apply-batch.ts';
import { catchUp } from './projection-runner.ts';

/** Applies everything visible in the log now to the live tables of `projections`. */
export async function catchUpLive(ledger: Ledger, projections: readonly Projection[] = allProjections): Promise<void> {
  for (const projection of projections) await catchUp(ledger.store, ledger.database.db, liveTarget(projection, ledger.projectionContext));
}
