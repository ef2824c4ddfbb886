import { sql, type Compilable, type Expression, type ExpressionBuilder, type SelectQueryBuilder, type SqlBool } from 'kysely';
import { isUuid } from '../domain/ids.ts';

/**
 * Keyset pagination over any read model: rows ordered by one column and then by `id`, a page
 * continuing strictly after the last row of the previous one. Every page is one indexed query
 * whatever its depth (no OFFSET), and rows written meanwhile never shift a page.
 */
export interface KeysetOrder {
  readonly column: string;
  readonly direction: 'asc' | 'desc';
}

/** Where a page stopped: the sort column's value (as text, which Postgres casts back) and the row id. */
export interface KeysetPosition {
  readonly value: string;
  readonly id: string;
}

/** An opaque cursor a client sends back unchanged: base64url of the position. */
export function encodeCursor(position: KeysetPosition): string {
  return Buffer.from(JSON.stringify([position.value, position.id])).toString('base64url');
}

/** The sort values a cursor may hold, by the kind of column sorted on: anything else never reaches SQL. */
const VALUE_FORMATS = {
  timestamp: (value: string) => !Number.isNaN(Date.parse(value)) && /^\d{4}-\d{2}-\d{2}T[\d:.]+Z$/.test(value),
  integer: (value: string) => /^-?\d{1,19}$/.test(value),
};

/** The position a cursor holds, or null for one this server did not issue. */
export function decodeCursor(cursor: string, valueFormat: keyof typeof VALUE_FORMATS): KeysetPosition | null {
  try {
    const parsed: unknown = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8'));
    if (!Array.isArray(parsed) || parsed.length !== 2) return null;
    const [value, id] = parsed as unknown[];
    if (typeof value === 'string' && typeof id === 'string' && isUuid(id) && VALUE_FORMATS[valueFormat](value)) return { value, id };
  } catch {
    // Falls through: not a cursor of ours.
  }
  return null;
}

/** The rows after `position` in `order`. */
// eslint-disable-next-line @typescript-eslint/no-explicit-any
export function afterPosition(eb: ExpressionBuilder<any, any>, order: KeysetOrder, position: KeysetPosition): Expression<SqlBool> {
  const op = order.direction === 'asc' ? '>' : '<';
  const column = sql.ref(order.column);
  // A row-value comparison: the planner walks the (column, id) index from the position on.
  return sql<SqlBool>`(${column}, id) ${sql.raw(op)} (${position.value}, ${position.id}::uuid)`;
}

/** The position of a row, for the cursor of the page it ends. */
export function positionOf(row: Record<string, unknown>, order: KeysetOrder): KeysetPosition {
  const value = row[order.column];
  return { value: value instanceof Date ? value.toISOString() : String(value), id: String(row.id) };
}

export interface KeysetPage<Row> {
  readonly rows: Row[];
  /** Null on the last page. */
  readonly nextCursor: string | null;
}

/**
 * Runs a page's query in place of Kysely's `execute()` (same SQL and parameters): how an export
 * reads its batches (src/finance/export-rows.ts says why).
 */
export type RowsOf = (query: Compilable) => Promise<unknown[]>;

/**
 * One page of `query` (already filtered) in `order` after `cursor`; 'invalid_cursor' for a cursor
 * this server did not issue.
 */
export async function keysetPage<Row>(
  // eslint-disable-next-line @typescript-eslint/no-explicit-any
  query: SelectQueryBuilder<any, any, any>,
  order: KeysetOrder & { readonly valueFormat: keyof typeof VALUE_FORMATS },
  options: { limit: number; cursor?: string | undefined; rowsOf?: RowsOf | undefined },
): Promise<KeysetPage<Row> | 'invalid_cursor'> {
  if (options.cursor) {
    const position = decodeCursor(options.cursor, order.valueFormat);
    if (!position) return 'invalid_cursor';
    query = query.where((eb) => afterPosition(eb, order, position));
  }
  const ordered = query.orderBy(order.column, order.direction).orderBy('id', order.direction).limit(options.limit + 1);
  const rows = (options.rowsOf ? await options.rowsOf(ordered) : await ordered.execute()) as Row[];
  const page = rows.slice(0, options.limit);
  const last = page.at(-1);
  return { rows: page, nextCursor: rows.length > options.limit && last ? encodeCursor(positionOf(last as Record<string, unknown>, order)) : null };
}

/**
 * Every row of a keyset-paged read, `batchSize` at a time: memory stays that of one batch however
 * many rows match, and each batch is one short query (no transaction held open for an export).
 */
export async function* allPages<Row>(page: (cursor: string | undefined) => Promise<KeysetPage<Row> | 'invalid_cursor'>): AsyncGenerator<Row> {
  let cursor: string | undefined;
  do {
    const next = await page(cursor);
    if (next === 'invalid_cursor') return;
    yield* next.rows;
    cursor = next.nextCursor ?? undefined;
  } while (cursor);
}
