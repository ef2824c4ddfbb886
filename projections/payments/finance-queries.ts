import type { Kysely, SelectQueryBuilder } from 'kysely';
import { afterPosition, decodeCursor, encodeCursor, positionOf, type KeysetOrder } from '../cursor-page.ts';
import type { PaymentRow } from './rows.ts';

/** What finance may narrow payments to: every filter optional, all of them together. */
export interface FinancePaymentFilters {
  readonly tenantId?: string | undefined;
  readonly status?: readonly string[] | undefined;
  readonly currency?: string | undefined;
  /** Paid at or after. */
  readonly paidFrom?: Date | undefined;
  /** Paid before. */
  readonly paidTo?: Date | undefined;
  readonly livemode?: boolean | undefined;
  /** Amount paid, in minor units, inclusive. */
  readonly amountMin?: bigint | undefined;
  readonly amountMax?: bigint | undefined;
}

export const FINANCE_PAYMENT_SORTS = ['paid_at', '-paid_at', 'amount', '-amount'] as const;
export type FinancePaymentSort = (typeof FINANCE_PAYMENT_SORTS)[number];

function orderOf(sort: FinancePaymentSort): KeysetOrder {
  const column = sort.endsWith('amount') ? 'amount_minor' : 'paid_at';
  return { column, direction: sort.startsWith('-') ? 'desc' : 'asc' };
}

export interface FinancePaymentPage {
  readonly rows: PaymentRow[];
  /** Null on the last page. */
  readonly nextCursor: string | null;
}

/** Cross-tenant reads of the payments read model, for finance keys and the export. */
// eslint-disable-next-line @typescript-eslint/no-explicit-any
export function createFinancePaymentQueries(db: Kysely<any>) {
  // eslint-disable-next-line @typescript-eslint/no-explicit-any
  const filtered = (filters: FinancePaymentFilters): SelectQueryBuilder<any, any, any> => {
    let query = db.selectFrom('payments').selectAll();
    if (filters.tenantId) query = query.where('tenant_id', '=', filters.tenantId);
    if (filters.status?.length) query = query.where('status', 'in', [...filters.status]);
    if (filters.currency) query = query.where('currency', '=', filters.currency);
    if (filters.paidFrom) query = query.where('paid_at', '>=', filters.paidFrom);
    if (filters.paidTo) query = query.where('paid_at', '<', filters.paidTo);
    if (filters.livemode !== undefined) query = query.where('livemode', '=', filters.livemode);
    if (filters.amountMin !== undefined) query = query.where('amount_minor', '>=', filters.amountMin.toString());
    if (filters.amountMax !== undefined) query = query.where('amount_minor', '<=', filters.amountMax.toString());
    return query;
  };

  return {
    /** One page in `sort` order after `cursor`; 'invalid_cursor' for a cursor this server did not issue. */
    async page(filters: FinancePaymentFilters, options: { sort: FinancePaymentSort; limit: number; cursor?: string | undefined }): Promise<FinancePaymentPage | 'invalid_cursor'> {
      const order = orderOf(options.sort);
      let query = filtered(filters);
      if (options.cursor) {
        const position = decodeCursor(options.cursor, order.column === 'paid_at' ? 'timestamp' : 'integer');
        if (!position) return 'invalid_cursor';
        query = query.where((eb) => afterPosition(eb, order, position));
      }
      const rows = (await query.orderBy(order.column, order.direction).orderBy('id', order.direction).limit(options.limit + 1).execute()) as PaymentRow[];
      const page = rows.slice(0, options.limit);
      const last = page.at(-1);
      return { rows: page, nextCursor: rows.length > options.limit && last ? encodeCursor(positionOf(last as unknown as Record<string, unknown>, order)) : null };
    },

    /**
     * Every matching row, `batchSize` at a time by keyset: memory stays that of one batch however
     * many rows match, and each batch is one short query (no transaction held open for the export).
     */
    async *all(filters: FinancePaymentFilters, options: { sort: FinancePaymentSort; batchSize?: number }): AsyncGenerator<PaymentRow> {
      let cursor: string | undefined;
      do {
        const page = await this.page(filters, { sort: options.sort, limit: options.batchSize ?? 1000, cursor });
        if (page === 'invalid_cursor') return;
        yield* page.rows;
        cursor = page.nextCursor ?? undefined;
      } while (cursor);
    },
  };
}

export type FinancePaymentQueries = ReturnType<typeof createFinancePaymentQueries>;
