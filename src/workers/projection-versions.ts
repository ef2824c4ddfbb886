import { sql } from 'kysely';
import type { Projection, ProjectionDb } from '../../projections/projection.ts';
import { ensureCheckpointRow, readCheckpoint } from './checkpoints.ts';

/** Which version built a projection's live tables, and whether this code can run on them. */
export interface LiveVersion {
  readonly projection: string;
  /** The version of the code that built the live tables; null if unknown (built before versions were kept). */
  readonly builtBy: number | null;
  /** This code's version. */
  readonly current: number;
  /** True when the live tables must be rebuilt before this code applies anything to them. */
  readonly outdated: boolean;
}

export async function tablesExist(db: ProjectionDb, schema: string, tables: readonly string[]): Promise<boolean> {
  if (!tables.length) return true;
  const { rows } = await sql<{ n: number }>`
    select count(*)::int as n from information_schema.tables where table_schema = ${schema} and table_name = any(${[...tables]})`.execute(db);
  return rows[0]?.n === tables.length;
}

export async function liveVersion(db: ProjectionDb, projection: Projection): Promise<LiveVersion> {
  const checkpoint = await readCheckpoint(db, projection.name);
  const outdated = !checkpoint.exists || checkpoint.schemaVersion !== projection.version || !(await tablesExist(db, 'public', projection.tables));
  return { projection: projection.name, builtBy: checkpoint.schemaVersion, current: projection.version, outdated };
}

/**
 * Run with the other migrations, under their lock. A projection that has never applied an event
 * (no checkpoint row) gets its tables at this code's version; leftovers of an older version can
 * only be empty, so they are dropped first. Tables that hold applied events are never patched:
 * if their version differs, the runner (or `projections rebuild`) rebuilds them from the log.
 */
export async function prepareLiveTables(db: ProjectionDb, projection: Projection): Promise<void> {
  if ((await readCheckpoint(db, projection.name)).exists) return;
  for (const table of projection.tables) await sql`drop table if exists public.${sql.id(table)}`.execute(db);
  await projection.createTables(db, 'public');
  await projection.createIndexes(db, 'public');
  await ensureCheckpointRow(db, projection.name, projection.version);
}
