import { setTimeout as sleep } from 'node:timers/promises';
import type { EventsAfter, VisibilityHorizon } from '../../adapters/eventstore/postgres-horizon.ts';
import type { EventStore, GlobalPosition } from '../../domain/ports/event-store.ts';
import type { Projection, ProjectionDb } from '../../projections/projection.ts';
import { describeError } from '../describe-error.ts';
import type { Logger } from '../logger.ts';
import { readCheckpoint } from './checkpoints.ts';
import { countOpenDeadLetters } from './dead-letters.ts';
import { liveVersion } from './projection-versions.ts';

/** What the log's store can say about events not yet handed to readers (Postgres: the visibility horizon). */
export interface LogDiagnostics {
  /** Events after `after` in streams with these prefixes: visible now, and committed but not yet visible. Each capped at `cap`. */
  countEventsAfter(after: GlobalPosition, streamPrefixes: readonly string[], cap: number): Promise<EventsAfter>;
  /** Committed events readers cannot see yet, and the open transaction that holds them back. */
  horizon(): Promise<VisibilityHorizon>;
}

export interface ProjectionHealth {
  readonly projection: string;
  /** Visible events it has still to apply (capped at LAG_CAP). */
  readonly behindEvents: number;
  /** Committed events in its streams that readers cannot see yet (capped). */
  readonly notYetVisible: number;
  /** Age of the oldest visible event it has not applied; 0 when it has none to apply. */
  readonly behindSeconds: number;
  readonly setAside: number;
  /** Its tables were built by another version and are being rebuilt. */
  readonly outdated: boolean;
  /** It has not moved for `stallSeconds` while visible events wait. */
  readonly stalled: boolean;
  readonly lastError: string | null;
}

export interface MonitorSnapshot {
  readonly at: Date;
  readonly projections: readonly ProjectionHealth[];
  readonly log: (VisibilityHorizon & { readonly stalled: boolean }) | null;
  /** Why the last sample could not be taken (the database away, say). */
  readonly error: string | null;
}

export const LAG_CAP = 100_000;

export interface MonitorOptions {
  readonly store: EventStore;
  readonly db: ProjectionDb;
  readonly diagnostics: LogDiagnostics | undefined;
  readonly projections: readonly Projection[];
  readonly stallSeconds: number;
  readonly intervalMs?: number;
  readonly logger: Logger;
  /** Told of each new sample (the metrics read it). */
  readonly onSample?: (snapshot: MonitorSnapshot) => void;
}

/** One look at every projection and at the log's horizon. */
export async function sampleProjections(options: Omit<MonitorOptions, 'logger' | 'onSample' | 'intervalMs'>, now = new Date()): Promise<MonitorSnapshot> {
  const { store, db, diagnostics, stallSeconds } = options;
  const deadLetters = await countOpenDeadLetters(db);
  const projections: ProjectionHealth[] = [];
  for (const projection of options.projections) {
    const checkpoint = await readCheckpoint(db, projection.name);
    const counts = diagnostics
      ? await diagnostics.countEventsAfter(checkpoint.position, projection.streamPrefixes, LAG_CAP)
      : // A store without diagnostics is counted by reading, so only a little way.
        { visible: (await store.readAll({ after: checkpoint.position, streamPrefixes: projection.streamPrefixes, limit: 1_000 })).length, notYetVisible: 0 };
    const [oldest] = counts.visible > 0 ? await store.readAll({ after: checkpoint.position, streamPrefixes: projection.streamPrefixes, limit: 1 }) : [];
    const waitingSince = oldest?.recordedAt.getTime() ?? now.getTime();
    const lastMoved = Math.max(checkpoint.updatedAt?.getTime() ?? 0, waitingSince);
    projections.push({
      projection: projection.name,
      behindEvents: counts.visible,
      notYetVisible: counts.notYetVisible,
      behindSeconds: Math.max(0, (now.getTime() - waitingSince) / 1000),
      setAside: deadLetters.get(projection.name) ?? 0,
      outdated: (await liveVersion(db, projection)).outdated,
      stalled: counts.visible > 0 && now.getTime() - lastMoved > stallSeconds * 1000,
      lastError: checkpoint.lastError,
    });
  }
  const horizon = diagnostics ? await diagnostics.horizon() : null;
  const log = horizon && { ...horizon, stalled: horizon.notYetVisible > 0 && (horizon.holder?.transactionSeconds ?? 0) > stallSeconds };
  return { at: now, projections, log, error: null };
}

/**
 * Samples projections and the log every `intervalMs` until stopped, for /metrics and /readyz, and
 * logs when a projection or the log stalls and when it recovers. Read-only: every instance runs
 * one, whichever holds the projections' leases.
 */
export function startProjectionMonitor(options: MonitorOptions): { latest(): MonitorSnapshot | null; stop(): Promise<void> } {
  const stopping = new AbortController();
  const log = options.logger.child({ worker: 'projection-monitor' });
  let latest: MonitorSnapshot | null = null;
  const stalled = new Set<string>();

  const report = (snapshot: MonitorSnapshot) => {
    for (const p of snapshot.projections) {
      if (p.stalled && !stalled.has(p.projection)) {
        stalled.add(p.projection);
        log.error({ projection: p.projection, behindEvents: p.behindEvents, behindSeconds: Math.round(p.behindSeconds), lastError: p.lastError }, 'projection stalled: events wait and it has not moved');
      } else if (!p.stalled && stalled.delete(p.projection)) {
        log.info({ projection: p.projection }, 'projection moving again');
      }
    }
    const logStalled = snapshot.log?.stalled === true;
    if (logStalled && !stalled.has('$log')) {
      stalled.add('$log');
      log.error({ notYetVisible: snapshot.log!.notYetVisible, holder: snapshot.log!.holder }, 'committed events are held back by an open transaction on the server (the horizon is cluster-wide)');
    } else if (!logStalled && stalled.delete('$log')) {
      log.info('the log horizon moves again');
    }
  };

  const done = (async () => {
    while (!stopping.signal.aborted) {
      try {
        latest = await sampleProjections(options);
        report(latest);
      } catch (error) {
        latest = { at: new Date(), projections: latest?.projections ?? [], log: latest?.log ?? null, error: describeError(error).message };
      }
      options.onSample?.(latest);
      await sleep(options.intervalMs ?? 5_000, undefined, { signal: stopping.signal }).catch(() => {});
    }
  })();
  return {
    latest: () => latest,
    async stop() {
      stopping.abort();
      await done;
    },
  };
}
