import { TENANT_STREAM_PREFIX } from '../../domain/routing/streams.ts';
import type { EventStore } from '../../domain/ports/event-store.ts';
import type { ProjectionDb } from '../../projections/projection.ts';
import { catchUpTogether, type TogetherTarget } from './catch-up.ts';
import type { SetAsidePolicy } from './set-aside.ts';

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
  const followsTenants = (t: TogetherTarget) => t.target.projection.streamPrefixes.includes(TENANT_STREAM_PREFIX);
  const shared = targets.filter(followsTenants);
  const results = new Map<TogetherTarget, Awaited<ReturnType<typeof catchUpTogether>>[number]>();
  const sharedRuns = await catchUpTogether(store, db, shared, options);
  shared.forEach((t, i) => results.set(t, sharedRuns[i]!));
  for (const t of targets.filter((t) => !followsTenants(t))) results.set(t, (await catchUpTogether(store, db, [t], options))[0]!);
  return targets.map((t) => results.get(t)!);
}
