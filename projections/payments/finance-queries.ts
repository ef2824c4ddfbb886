import type { Kysely, SelectQueryBuilder } from 'kysely';
import { allPages, keysetPage, type KeysetOrder, type KeysetPage, type RowsOf } from '../cursor-page.ts';
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

function orderOf(sort: FinancePaymentSort) {
  const direction: KeysetOrder['direction'] = sort.startsWith('-') ? 'desc' : 'asc';
  return sort.endsWith('amount') ? { column: 'amount_minor', direction, valueFormat: 'integer' as const } : { column: 'paid_at', direction, valueFormat: 'timestamp' as const };
}

/**
 * Cross-tenant reads of the payments read model, for finance keys and the export. `exportRows`
 * runs the export's batch queries (default: Kysely's own `execute()`).
 */
// eslint-disable-next-line @typescript-eslint/no-explicit-any
export function createFinancePaymentQueries(db: Kysely<any>, reads: { exportRows?: RowsOf } = {}) {
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
    page(filters: FinancePaymentFilters, options: { sort: FinancePaymentSort; limit: number; cursor?: string | undefined }): Promise<KeysetPage<PaymentRow> | 'invalid_cursor'> {
      return keysetPage<PaymentRow>(filtered(filters), orderOf(options.sort), options);
    },

    /** Every matching row, read in keyset batches (constant memory). */
    all(filters: FinancePaymentFilters, options: { sort: FinancePaymentSort; batchSize?: number }): AsyncGenerator<PaymentRow> {
      const order = orderOf(options.sort);
      return allPages((cursor) => keysetPage<PaymentRow>(filtered(filters), order, { limit: options.batchSize ?? 1000, cursor, rowsOf: reads.exportRows }));
    },
  };
}

export type FinancePaymentQueries = ReturnType<typeof createFinancePaymentQueries>;
