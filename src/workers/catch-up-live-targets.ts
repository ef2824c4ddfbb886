import { TENANT_STREAM_PREFIX } from '../../domain/routing/streams.ts';
import type { EventStore } from '../../domain/ports/event-store.ts';
import type { ProjectionDb } from '../../projections/projection.ts';
import { catchUpTogether, type TogetherTarget } from './catch-up.ts';
import type { SetAsidePolicy } from './set-aside.ts';

/**
 * Large, since a read model being caught up has the whole backlog to apply: a far-behind one
 * catches up in a few hundred transactions per million events.
 */
const LIVE_CATCH_UP_BATCH = 2_500;

/**
 * Brings live targets to the head, reading the log once for those that follow the tenant streams
 * (nearly the whole log, so one read serves them all). A projection of rare streams (entitlements
 * reads only the process manager's) reads its own streams alone: its checkpoint stays at its last
 * event, which may lie far back, and reading the whole log from there for it at every call would
 * cost what sharing saves. Returns, in the targets' order, what each applied and set aside.
 */
export async function catchUpLiveTargets(
  store: EventStore,
  db: ProjectionDb,
  targets: readonly TogetherTarget[],
  options: { readonly batchSize?: number; readonly setAside?: SetAsidePolicy } = {},
): Promise<Awaited<ReturnType<typeof catchUpTogether>>> {
  const together = { batchSize: LIVE_CATCH_UP_BATCH, ...options };
  const followsTenants = (t: TogetherTarget) => t.target.projection.streamPrefixes.includes(TENANT_STREAM_PREFIX);
  const shared = await catchUpTogether(store, db, targets.filter(followsTenants), together);
  let next = 0;
  const runs = [];
  for (const t of targets) runs.push(followsTenants(t) ? shared[next++]! : (await catchUpTogether(store, db, [t], together))[0]!);
  return runs;
}
