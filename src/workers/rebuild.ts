import { sql } from 'kysely';
import type { EventStore } from '../../domain/ports/event-store.ts';
import { comparePositions } from '../../domain/ports/event-store.ts';
import type { Projection, ProjectionContext, ProjectionDb } from '../../projections/projection.ts';
import { liveTarget, type ProjectionTarget } from './apply-batch.ts';
import { deleteCheckpoint, readCheckpoint, setCheckpoint } from './checkpoints.ts';
import { catchUp } from './projection-runner.ts';

export interface TableComparison {
  readonly table: string;
  readonly rows: number;
  readonly onlyInLive: number;
  readonly onlyInRebuilt: number;
}

export interface RebuildReport {
  readonly projection: string;
  readonly eventsApplied: number;
  readonly seconds: number;
  readonly tables: readonly TableComparison[];
  /** True when every rebuilt table held exactly the live table's rows before the swap. */
  readonly equal: boolean;
}

const shadowSchema = (projection: Projection) => `rebuild_${projection.name.replace(/\W/g, '_')}`;

/**
 * Replays the log into fresh tables in a shadow schema, then swaps them in atomically, so
 * readers never see a half-built table. The live projection is first brought to the head and the
 * shadow to the same position, so the comparison printed is of like with like; a live runner
 * in another process is held off by the checkpoint lock during the swap.
 */
export async function rebuildProjection(
  store: EventStore,
  db: ProjectionDb,
  projection: Projection,
  context: ProjectionContext,
  onProgress: (phase: 'live' | 'rebuild', applied: number) => void = () => {},
): Promise<RebuildReport> {
  const started = performance.now();
  const schema = shadowSchema(projection);
  const live = liveTarget(projection, context);
  const shadow: ProjectionTarget = { projection, schema, checkpointName: `${projection.name}@rebuild`, context };

  await projection.createTables(db, 'public');
  await sql`drop schema if exists ${sql.id(schema)} cascade`.execute(db);
  await sql`create schema ${sql.id(schema)}`.execute(db);
  await deleteCheckpoint(db, shadow.checkpointName);
  await projection.createTables(db, schema);

  let eventsApplied = 0;
  for (;;) {
    await catchUp(store, db, live, { onProgress: (n) => onProgress('live', n) });
    const target = (await readCheckpoint(db, live.checkpointName)).position;
    eventsApplied += await catchUp(store, db, shadow, {
      until: target,
      onProgress: (n) => onProgress('rebuild', eventsApplied + n),
    });
    const swapped = await db.transaction().execute(async (trx) => {
      const liveNow = await readCheckpoint(trx, live.checkpointName, { forUpdate: true });
      const shadowNow = await readCheckpoint(trx, shadow.checkpointName);
      if (comparePositions(liveNow.position, shadowNow.position) !== 0) return null; // live moved on: catch up again
      const tables: TableComparison[] = [];
      for (const table of projection.tables) tables.push(await compareTables(trx, table, schema));
      for (const table of projection.tables) {
        await sql`drop table if exists public.${sql.id(table)}`.execute(trx);
        await sql`alter table ${sql.id(schema, table)} set schema public`.execute(trx);
      }
      await setCheckpoint(trx, live.checkpointName, shadowNow.position, shadowNow.eventsApplied);
      await deleteCheckpoint(trx, shadow.checkpointName);
      await sql`drop schema ${sql.id(schema)} cascade`.execute(trx);
      return tables;
    });
    if (swapped) {
      return {
        projection: projection.name,
        eventsApplied,
        seconds: (performance.now() - started) / 1000,
        tables: swapped,
        equal: swapped.every((t) => t.onlyInLive === 0 && t.onlyInRebuilt === 0),
      };
    }
  }
}

async function compareTables(db: ProjectionDb, table: string, schema: string): Promise<TableComparison> {
  const liveTable = sql.id('public', table);
  const rebuiltTable = sql.id(schema, table);
  const count = async (query: ReturnType<typeof sql>) =>
    Number(((await sql<{ n: bigint }>`select count(*) as n from (${query}) d`.execute(db)).rows[0]?.n ?? 0n));
  return {
    table,
    rows: await count(sql`select * from ${rebuiltTable}`),
    onlyInLive: await count(sql`select * from ${liveTable} except all select * from ${rebuiltTable}`),
    onlyInRebuilt: await count(sql`select * from ${rebuiltTable} except all select * from ${liveTable}`),
  };
}
