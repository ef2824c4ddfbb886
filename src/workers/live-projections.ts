import { allProjections } from '../../projections/all.ts';
import type { Projection } from '../../projections/projection.ts';
import type { Ledger } from '../ledger.ts';
import type { ProjectionTarget } from './apply-batch.ts';
import { catchUp } from './projection-runner.ts';

/** A projection as it runs live: its own tables in `public`, its own checkpoint row. */
export function liveTarget(ledger: Pick<Ledger, 'projectionContext'>, projection: Projection): ProjectionTarget {
  return { projection, schema: 'public', checkpointName: projection.name, context: ledger.projectionContext };
}

/** Applies everything visible in the log now to the live tables of `projections`. */
export async function catchUpLive(ledger: Ledger, projections: readonly Projection[] = allProjections): Promise<void> {
  for (const projection of projections) await catchUp(ledger.store, ledger.database.db, liveTarget(ledger, projection));
}
