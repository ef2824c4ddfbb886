import { sql } from 'kysely';
import type { ProjectionDb } from './projection.ts';

/** Postgres binds at most this many parameters to one statement. */
const MAX_PARAMETERS = 65_535;

/**
 * The rows of `table` holding any of the given values in any of the given columns, in one
 * query. Each column's values travel as one array parameter, so a batch of any size stays one
 * statement. Table names stay unqualified: the batch's search_path picks live or shadow tables.
 */
export async function selectRowsMatching<Row>(db: ProjectionDb, table: string, valuesByColumn: Record<string, Iterable<string>>): Promise<Row[]> {
  const conditions = Object.entries(valuesByColumn)
    .map(([column, values]) => ({ column, values: [...new Set(values)] }))
    .filter(({ values }) => values.length > 0);
  if (!conditions.length) return [];
  const rows = await db
    .selectFrom(table)
    .selectAll()
    .where((eb) => eb.or(conditions.map(({ column, values }) => sql<boolean>`${sql.ref(column)} = any(${values})`)))
    .execute();
  return rows as Row[];
}

/**
 * Inserts `rows`, overwriting every other column of a row whose `key` exists: a batch writes
 * each row it changed once, in as few statements as the parameter limit allows.
 */
export async function upsertRows(db: ProjectionDb, table: string, key: string, rows: readonly object[]): Promise<void> {
  const first = rows[0];
  if (!first) return;
  const columns = Object.keys(first);
  const overwrite = Object.fromEntries(columns.filter((c) => c !== key).map((c) => [c, sql.ref(`excluded.${c}`)]));
  const perStatement = Math.floor(MAX_PARAMETERS / columns.length);
  for (let start = 0; start < rows.length; start += perStatement) {
    await db
      .insertInto(table)
      .values(rows.slice(start, start + perStatement))
      .onConflict((oc) => oc.column(key).doUpdateSet(overwrite))
      .execute();
  }
}
