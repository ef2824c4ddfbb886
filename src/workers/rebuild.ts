import { sql } from 'kysely';
import type { Lease, LeaseProvider } from '../../adapters/db/advisory-lease.ts';
import { withoutStatementTimeout } from '../../adapters/db/long-running.ts';
import type { EventStore, GlobalPosition } from '../../domain/ports/event-store.ts';
import { comparePositions } from '../../domain/ports/event-store.ts';
import type { Projection, ProjectionContext, ProjectionDb } from '../../projections/projection.ts';
import { liveTarget, type ProjectionTarget } from './apply-batch.ts';
import { deleteCheckpoint, readCheckpoint, setCheckpoint } from './checkpoints.ts';
import { discardDeadLetters, moveDeadLetters } from './dead-letters.ts';
import { catchUpTogether } from './catch-up.ts';
import { catchUpLiveTargets } from './catch-up-live-targets.ts';
import { liveVersion, tablesExist } from './projection-versions.ts';
import { copyTableGrants } from './table-grants.ts';
import { DEFAULT_SET_ASIDE_POLICY, type SetAsideEvent, type SetAsidePolicy } from './set-aside.ts';

export interface TableComparison {
  readonly table: string;
  /** Rows in the rebuilt table. */
  readonly rows: number;
  /** Rows only the live table held, and only the rebuilt one; absent when the live tables were of another version. */
  readonly onlyInLive?: number;
  readonly onlyInRebuilt?: number;
}

export interface RebuildReport {
  readonly projection: string;
  /** The version of the tables replaced (null: unknown, built before versions were kept) and of the new ones. */
  readonly fromVersion: number | null;
  readonly toVersion: number;
  readonly eventsApplied: number;
  readonly seconds: number;
  readonly tables: readonly TableComparison[];
  /**
   * True when every rebuilt table held exactly the live table's rows before the swap; null when
   * the live tables were of another version, so there was nothing like to compare with.
   */
  readonly equal: boolean | null;
  /** Events the rebuild could not apply, set aside (see `projections failures`). */
  readonly setAside: readonly SetAsideEvent[];
}

export interface RebuildOptions {
  readonly onProgress?: (phase: 'live' | 'rebuild', applied: number) => void;
  readonly setAside?: SetAsidePolicy;
  /** Where several processes share the database: one rebuild of a projection at a time. */
  readonly leases?: LeaseProvider | undefined;
  readonly signal?: AbortSignal;
  /** Events read from the log at a time into the shadow tables (default 5,000). */
  readonly batchSize?: number;
}

export interface RebuildManyOptions extends Omit<RebuildOptions, 'onProgress'> {
  readonly onProgress?: (projection: string, phase: 'live' | 'rebuild', applied: number) => void;
}

/**
 * Large enough that a round trip per batch and per table is little beside the rows it writes;
 * no larger, since every projection holds its part of a batch at once. At 100,000 events on the
 * 2-core machine (`npm run bench -- --rebuild-batch <n>`): 1,000 gave 3,946 events/s and 484 MiB
 * peak RSS, 2,500 gave 4,839 events/s and 533 MiB, 5,000 gave 4,548 events/s and 612 MiB.
 */
const REBUILD_BATCH_SIZE = 2_500;

const shadowSchema = (projection: Projection) => `rebuild_${projection.name.replace(/\W/g, '_')}`;

/**
 * Replays the log into fresh tables in a shadow schema, then swaps them in atomically, so readers
 * never see a half-built table. See `rebuildProjections`.
 */
export async function rebuildProjection(
  store: EventStore,
  db: ProjectionDb,
  projection: Projection,
  context: ProjectionContext,
  options: RebuildOptions = {},
): Promise<RebuildReport> {
  const { onProgress, ...rest } = options;
  const [report] = await rebuildProjections(store, db, [projection], context, {
    ...rest,
    onProgress: onProgress && ((_name, phase, applied) => onProgress(phase, applied)),
  });
  return report!;
}

/**
 * Rebuilds several projections with one read of the log: each batch is read and parsed once and
 * written into every shadow schema, each with its own checkpoint row. When a projection's live
 * tables are of this code's version, they are first brought to the head and its shadow to the
 * same position, so the comparison reported is of like with like; a live runner in another
 * process is held off by the checkpoint lock during the swap. When they are outdated (another
 * version built them), they are not caught up (this code cannot write them): the shadow is built
 * to the head and swapped in, and readers keep the old tables until then. Each projection is
 * swapped in its own transaction, as soon as its shadow has caught up. Returns a report per
 * projection, in the order given.
 */
export async function rebuildProjections(
  store: EventStore,
  db: ProjectionDb,
  projections: readonly Projection[],
  context: ProjectionContext,
  options: RebuildManyOptions = {},
): Promise<RebuildReport[]> {
  const signal = options.signal ?? new AbortController().signal;
  const held: Lease[] = [];
  try {
    // In one order everywhere, so two rebuilds of overlapping sets never wait on each other.
    for (const projection of [...projections].sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0))) {
      if (!options.leases) break;
      const lease = await options.leases.acquire(`rebuild:${projection.name}`, signal);
      if (!lease) throw signal.reason ?? new Error('rebuild stopped');
      held.push(lease);
    }
    return await rebuildHoldingLeases(store, db, projections, context, options);
  } finally {
    for (const lease of held.reverse()) await lease.release();
  }
}

interface Rebuilding {
  readonly projection: Projection;
  readonly schema: string;
  readonly live: ProjectionTarget;
  readonly shadow: ProjectionTarget;
  readonly statistics: ReturnType<typeof analyzeAsTheyGrow>;
  readonly setAside: SetAsideEvent[];
  eventsApplied: number;
  /** Whether its shadow tables have their readers' indexes and statistics (see `finishShadow`). */
  finished: boolean;
  /** How far the log has been read for the shadow (see `catchUpTogether`). */
  readUpTo: GlobalPosition | undefined;
}

async function rebuildHoldingLeases(
  store: EventStore,
  db: ProjectionDb,
  projections: readonly Projection[],
  context: ProjectionContext,
  options: RebuildManyOptions,
): Promise<RebuildReport[]> {
  const started = performance.now();
  const onProgress = options.onProgress ?? (() => {});
  const policy = { ...(options.setAside ?? DEFAULT_SET_ASIDE_POLICY), signal: options.signal };
  const reports = new Map<Projection, RebuildReport>();

  let pending: Rebuilding[] = [];
  for (const projection of projections) {
    const schema = shadowSchema(projection);
    const shadow: ProjectionTarget = { projection, schema, checkpointName: `${projection.name}@rebuild`, context };
    // Whatever an interrupted rebuild left behind goes first.
    await sql`drop schema if exists ${sql.id(schema)} cascade`.execute(db);
    await deleteCheckpoint(db, shadow.checkpointName);
    await discardDeadLetters(db, shadow.checkpointName);
    await sql`create schema ${sql.id(schema)}`.execute(db);
    // The indexes only readers use come once the load is done (`finishShadow`).
    await projection.createTables(db, schema);
    const live = liveTarget(projection, context);
    pending.push({ projection, schema, live, shadow, statistics: analyzeAsTheyGrow(db, schema, projection.tables), setAside: [], eventsApplied: 0, finished: false, readUpTo: undefined });
  }

  while (pending.length) {
    const rounds: { rebuilding: Rebuilding; outdated: boolean; builtBy: number | null; until: GlobalPosition | undefined }[] = [];
    const versions = [];
    for (const rebuilding of pending) versions.push({ rebuilding, ...(await liveVersion(db, rebuilding.projection)) });
    // The live tables the shadow will be compared with are brought to the head first, sharing
    // reads of the log.
    const current = versions.filter((v) => !v.outdated).map((v) => v.rebuilding);
    const liveRuns = await catchUpLiveTargets(
      store,
      db,
      current.map((r) => ({ target: r.live, afterBatch: async (n: number) => onProgress(r.projection.name, 'live', n) })),
      { batchSize: options.batchSize ?? REBUILD_BATCH_SIZE, setAside: policy },
    );
    for (const [i, rebuilding] of current.entries()) rebuilding.setAside.push(...liveRuns[i]!.setAside);
    for (const { rebuilding, outdated, builtBy } of versions) {
      const until = outdated ? undefined : (await readCheckpoint(db, rebuilding.live.checkpointName)).position;
      rounds.push({ rebuilding, outdated, builtBy, until });
    }

    const shadowRuns = await catchUpTogether(
      store,
      db,
      rounds.map(({ rebuilding: r, until }) => ({
        target: r.shadow,
        until,
        readUpTo: r.readUpTo,
        afterBatch: async (n: number) => {
          onProgress(r.projection.name, 'rebuild', r.eventsApplied + n);
          await r.statistics.grown(r.eventsApplied + n);
        },
      })),
      { batchSize: options.batchSize ?? REBUILD_BATCH_SIZE, setAside: policy },
    );

    const again: Rebuilding[] = [];
    for (const [i, { rebuilding, outdated, builtBy }] of rounds.entries()) {
      const run = shadowRuns[i]!;
      rebuilding.eventsApplied += run.applied;
      rebuilding.readUpTo = run.readUpTo;
      rebuilding.setAside.push(...run.setAside);
      await finishShadow(db, rebuilding);
      const swapped = await swapIn(db, rebuilding, outdated);
      // Another process upgraded the live tables meanwhile, or live moved on: go round again.
      if (!swapped) {
        again.push(rebuilding);
        continue;
      }
      const { projection, setAside } = rebuilding;
      reports.set(projection, {
        projection: projection.name,
        fromVersion: outdated ? builtBy : projection.version,
        toVersion: projection.version,
        eventsApplied: rebuilding.eventsApplied,
        seconds: (performance.now() - started) / 1000,
        tables: swapped,
        equal: outdated ? null : swapped.every((t) => t.onlyInLive === 0 && t.onlyInRebuilt === 0),
        setAside: setAside.filter((event, i) => setAside.findIndex((other) => other.eventId === event.eventId) === i),
      });
    }
    pending = again;
  }
  return projections.map((projection) => reports.get(projection)!);
}

/**
 * Builds the indexes only readers use on the loaded shadow tables, each in one sort rather than
 * an entry per row written during the load, and ANALYZEs the tables (last analyzed when they
 * were up to four times smaller), before the swap: the swapped-in tables keep both, so readers
 * plan on the whole log from the start. Once per rebuild: a round again only adds what the live
 * tables moved on by meanwhile.
 */
async function finishShadow(db: ProjectionDb, rebuilding: Rebuilding): Promise<void> {
  if (rebuilding.finished) return;
  const { projection, schema } = rebuilding;
  // Building an index on a large table may take longer than a statement is otherwise allowed.
  await withoutStatementTimeout(db, async (trx) => {
    await projection.createIndexes(trx, schema);
    await analyze(trx, schema, projection.tables);
  });
  rebuilding.finished = true;
}

/**
 * Compares the shadow tables with the live ones and puts them in their place, in one transaction;
 * null, changing nothing, when the live tables changed version or moved on since the shadow
 * caught up with them.
 */
/**
 * The swap takes every table of the projection for itself while readers (the API, the rerouter)
 * take them in their own order: Postgres may break such a deadlock by aborting the swap. That is
 * the loop's "go round again", not a failed rebuild.
 */
async function swapIn(db: ProjectionDb, rebuilding: Rebuilding, outdated: boolean): Promise<TableComparison[] | null> {
  try {
    return await swapInOnce(db, rebuilding, outdated);
  } catch (error) {
    if ((error as { code?: unknown }).code === DEADLOCK_DETECTED) return null;
    throw error;
  }
}

const DEADLOCK_DETECTED = '40P01';

async function swapInOnce(db: ProjectionDb, rebuilding: Rebuilding, outdated: boolean): Promise<TableComparison[] | null> {
  const { projection, schema, live, shadow } = rebuilding;
  // Comparing and swapping large tables may take longer than a statement is otherwise allowed.
  return withoutStatementTimeout(db, async (trx) => {
    const liveNow = await readCheckpoint(trx, live.checkpointName, { forUpdate: true });
    const stillOutdated = !liveNow.exists || liveNow.schemaVersion !== projection.version || !(await tablesExist(trx, 'public', projection.tables));
    if (stillOutdated !== outdated) return null;
    const shadowNow = await readCheckpoint(trx, shadow.checkpointName);
    if (!outdated && comparePositions(liveNow.position, shadowNow.position) !== 0) return null;
    const tables: TableComparison[] = [];
    for (const table of projection.tables) tables.push(outdated ? await countRows(trx, schema, table) : await compareTables(trx, table, schema));
    for (const table of projection.tables) {
      await copyTableGrants(trx, { schema: 'public', table }, { schema, table });
      await sql`drop table if exists public.${sql.id(table)}`.execute(trx);
      await sql`alter table ${sql.id(schema, table)} set schema public`.execute(trx);
    }
    await setCheckpoint(trx, live.checkpointName, shadowNow.position, shadowNow.eventsApplied, projection.version);
    await moveDeadLetters(trx, shadow.checkpointName, live.checkpointName);
    await deleteCheckpoint(trx, shadow.checkpointName);
    await sql`drop schema ${sql.id(schema)} cascade`.execute(trx);
    return tables;
  });
}

/**
 * The shadow tables start empty and grow by the whole log; without statistics (a server with
 * autovacuum off, or one that has not come round yet) the planner keeps planning for empty
 * tables and a batch's lookups turn into scans, quadratic over the rebuild. ANALYZE at 1,000
 * events applied and each time the count has grown fourfold keeps the plans right for a few
 * statements in all.
 */
function analyzeAsTheyGrow(db: ProjectionDb, schema: string, tables: readonly string[]) {
  let next = 1_000;
  return {
    async grown(applied: number) {
      if (applied < next) return;
      while (next <= applied) next *= 4;
      await analyze(db, schema, tables);
    },
  };
}

async function analyze(db: ProjectionDb, schema: string, tables: readonly string[]): Promise<void> {
  for (const table of tables) await sql`analyze ${sql.id(schema, table)}`.execute(db);
}

const countOf = async (db: ProjectionDb, query: ReturnType<typeof sql>) =>
  Number(((await sql<{ n: bigint }>`select count(*) as n from (${query}) d`.execute(db)).rows[0]?.n ?? 0n));

async function countRows(db: ProjectionDb, schema: string, table: string): Promise<TableComparison> {
  return { table, rows: await countOf(db, sql`select * from ${sql.id(schema, table)}`) };
}

async function compareTables(db: ProjectionDb, table: string, schema: string): Promise<TableComparison> {
  const liveTable = sql.id('public', table);
  const rebuiltTable = sql.id(schema, table);
  return {
    table,
    rows: await countOf(db, sql`select * from ${rebuiltTable}`),
    onlyInLive: await countOf(db, sql`select * from ${liveTable} except all select * from ${rebuiltTable}`),
    onlyInRebuilt: await countOf(db, sql`select * from ${rebuiltTable} except all select * from ${liveTable}`),
  };
}
