import { sql } from 'kysely';
import type { ProjectionDb } from './projection.ts';

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

/** JSON with bigints as their digits: Postgres reads a bigint column from a JSON string as from text. */
const toJson = (rows: readonly object[]) => JSON.stringify(rows, (_key, value: unknown) => (typeof value === 'bigint' ? value.toString() : value));

/**
 * Inserts `rows`, overwriting every other column of a row whose `key` exists: a batch writes
 * each row it changed once, in one statement. The rows travel as one JSON parameter that
 * Postgres turns into rows of the table's own type (`json_populate_recordset`), so each column's
 * value is read as that column reads text, as a bound parameter would be. Bound one value to a
 * parameter, a batch of a rebuild was tens of thousands of parameters: Kysely built a node for
 * each and a statement of hundreds of KB, which cost more time and memory than the rows.
 */
export async function upsertRows(db: ProjectionDb, table: string, key: string, rows: readonly object[]): Promise<void> {
  const first = rows[0];
  if (!first) return;
  const columns = Object.keys(first).map((column) => sql.ref(column));
  const others = Object.keys(first).filter((c) => c !== key);
  const onConflict = others.length
    ? sql`do update set ${sql.join(others.map((c) => sql`${sql.ref(c)} = excluded.${sql.ref(c)}`))}`
    : sql`do nothing`;
  await sql`insert into ${sql.table(table)} (${sql.join(columns)})
    select ${sql.join(columns)} from json_populate_recordset(null::${sql.table(table)}, ${toJson(rows)}::json)
    on conflict (${sql.ref(key)}) ${onConflict}`.execute(db);
}
