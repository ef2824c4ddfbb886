import { sql, type Kysely } from 'kysely';

export interface PageRequest {
  readonly limit: number;
  /** The id of the last row of the previous page, as on Stripe's lists. */
  readonly startingAfter?: string | undefined;
}

export type KeysetPage<Row> = { rows: Row[]; hasMore: boolean } | { cursorNotFound: true };

export interface KeysetSpec {
  readonly table: string;
  /** Equality filters every row of every page meets (the tenant, at least), the cursor row too. */
  readonly where: Readonly<Record<string, string>>;
  /** Sort columns, all descending; together unique, so a page never skips or repeats a row. */
  readonly orderBy: readonly [string, ...string[]];
  /** The column `startingAfter` names. */
  readonly idColumn: string;
}

/**
 * A page of rows newest first, by keyset: the rows after the cursor row in the order of
 * `orderBy`, compared as one row value so that any number of sort columns behaves as one key
 * (and an index on them answers it). A cursor outside `where` (another tenant's) is not found.
 */
// eslint-disable-next-line @typescript-eslint/no-explicit-any
export async function pageNewestFirst<Row>(db: Kysely<any>, spec: KeysetSpec, request: PageRequest): Promise<KeysetPage<Row>> {
  let query = db.selectFrom(spec.table).selectAll();
  let cursor = db.selectFrom(spec.table).select([...spec.orderBy]).where(spec.idColumn, '=', request.startingAfter ?? null);
  for (const [column, value] of Object.entries(spec.where)) {
    query = query.where(column, '=', value);
    cursor = cursor.where(column, '=', value);
  }
  if (request.startingAfter !== undefined) {
    if (!(await cursor.executeTakeFirst())) return { cursorNotFound: true };
    // Compared in SQL, so the cursor's values never make a round trip through JS types.
    const keys = sql.join(spec.orderBy.map((column) => sql.ref(column)));
    query = query.where(sql<boolean>`(${keys}) < (${cursor})`);
  }
  for (const column of spec.orderBy) query = query.orderBy(column, 'desc');
  const rows = (await query.limit(request.limit + 1).execute()) as Row[];
  return { rows: rows.slice(0, request.limit), hasMore: rows.length > request.limit };
}
