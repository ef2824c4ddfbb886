import { sql } from 'kysely';
import type { LeaseProvider } from '../../adapters/db/advisory-lease.ts';
import { withoutStatementTimeout } from '../../adapters/db/long-running.ts';
import type { EventStore, GlobalPosition } from '../../domain/ports/event-store.ts';
import { comparePositions } from '../../domain/ports/event-store.ts';
import type { Projection, ProjectionContext, ProjectionDb } from '../../projections/projection.ts';
import { liveTarget, type ProjectionTarget } from './apply-batch.ts';
import { deleteCheckpoint, readCheckpoint, setCheckpoint } from './checkpoints.ts';
import { discardDeadLetters, moveDeadLetters } from './dead-letters.ts';
import { catchUp } from './catch-up.ts';
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
}

const shadowSchema = (projection: Projection) => `rebuild_${projection.name.replace(/\W/g, '_')}`;

/**
 * Replays the log into fresh tables in a shadow schema, then swaps them in atomically, so readers
 * never see a half-built table. When the live tables are of this code's version, they are first
 * brought to the head and the shadow to the same position, so the comparison reported is of like
 * with like; a live runner in another process is held off by the checkpoint lock during the
 * swap. When they are outdated (another version built them), they are not caught up (this code
 * cannot write them): the shadow is built to the head and swapped in, and readers keep the old
 * tables until then.
 */
export async function rebuildProjection(
  store: EventStore,
  db: ProjectionDb,
  projection: Projection,
  context: ProjectionContext,
  options: RebuildOptions = {},
): Promise<RebuildReport> {
  const signal = options.signal ?? new AbortController().signal;
  const lease = options.leases ? await options.leases.acquire(`rebuild:${projection.name}`, signal) : null;
  if (options.leases && !lease) throw signal.reason ?? new Error('rebuild stopped');
  try {
    return await rebuildHoldingLease(store, db, projection, context, options);
  } finally {
    await lease?.release();
  }
}

async function rebuildHoldingLease(
  store: EventStore,
  db: ProjectionDb,
  projection: Projection,
  context: ProjectionContext,
  options: RebuildOptions,
): Promise<RebuildReport> {
  const started = performance.now();
  const onProgress = options.onProgress ?? (() => {});
  const policy = { ...(options.setAside ?? DEFAULT_SET_ASIDE_POLICY), signal: options.signal };
  const schema = shadowSchema(projection);
  const live = liveTarget(projection, context);
  const shadow: ProjectionTarget = { projection, schema, checkpointName: `${projection.name}@rebuild`, context };

  // Whatever an interrupted rebuild left behind goes first.
  await sql`drop schema if exists ${sql.id(schema)} cascade`.execute(db);
  await deleteCheckpoint(db, shadow.checkpointName);
  await discardDeadLetters(db, shadow.checkpointName);
  await sql`create schema ${sql.id(schema)}`.execute(db);
  await projection.createTables(db, schema);

  let eventsApplied = 0;
  const setAside: SetAsideEvent[] = [];
  const statistics = analyzeAsTheyGrow(db, schema, projection.tables);
  for (;;) {
    const { outdated, builtBy } = await liveVersion(db, projection);
    let until: GlobalPosition | undefined;
    if (!outdated) {
      const caughtUp = await catchUp(store, db, live, { setAside: policy, onProgress: (n) => onProgress('live', n) });
      setAside.push(...caughtUp.setAside);
      until = (await readCheckpoint(db, live.checkpointName)).position;
    }
    const shadowRun = await catchUp(store, db, shadow, {
      until,
      setAside: policy,
      onProgress: (n) => onProgress('rebuild', eventsApplied + n),
      afterBatch: (n) => statistics.grown(eventsApplied + n),
    });
    eventsApplied += shadowRun.applied;
    setAside.push(...shadowRun.setAside);

    // Comparing and swapping large tables may take longer than a statement is otherwise allowed.
    const swapped = await withoutStatementTimeout(db, async (trx) => {
      const liveNow = await readCheckpoint(trx, live.checkpointName, { forUpdate: true });
      const stillOutdated = !liveNow.exists || liveNow.schemaVersion !== projection.version || !(await tablesExist(trx, 'public', projection.tables));
      // Another process upgraded the live tables meanwhile, or live moved on: go round again.
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
    if (swapped) {
      await analyze(db, 'public', projection.tables);
      return {
        projection: projection.name,
        fromVersion: outdated ? builtBy : projection.version,
        toVersion: projection.version,
        eventsApplied,
        seconds: (performance.now() - started) / 1000,
        tables: swapped,
        equal: outdated ? null : swapped.every((t) => t.onlyInLive === 0 && t.onlyInRebuilt === 0),
        setAside: setAside.filter((event, i) => setAside.findIndex((other) => other.eventId === event.eventId) === i),
      };
    }
  }
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
