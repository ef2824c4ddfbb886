import { sql, type Expression, type ExpressionBuilder, type SqlBool } from 'kysely';
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
