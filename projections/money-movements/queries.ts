import type { Kysely } from 'kysely';
import { allPages, keysetPage, type KeysetOrder, type KeysetPage } from '../cursor-page.ts';
import type { MoneyMovementRow, MovementKind } from './rows.ts';

export interface MoneyMovementFilters {
  readonly tenantId?: string | undefined;
  readonly kind?: readonly MovementKind[] | undefined;
  readonly currency?: string | undefined;
  /** Occurred at or after. */
  readonly from?: Date | undefined;
  /** Occurred before. */
  readonly to?: Date | undefined;
  readonly livemode?: boolean | undefined;
}

/** Cross-tenant reads of money_movements, for finance keys. */
// eslint-disable-next-line @typescript-eslint/no-explicit-any
export function createMoneyMovementQueries(db: Kysely<any>) {
  return {
    page(filters: MoneyMovementFilters, options: { direction: KeysetOrder['direction']; limit: number; cursor?: string | undefined }): Promise<KeysetPage<MoneyMovementRow> | 'invalid_cursor'> {
      let query = db.selectFrom('money_movements').selectAll();
      if (filters.tenantId) query = query.where('tenant_id', '=', filters.tenantId);
      if (filters.kind?.length) query = query.where('kind', 'in', [...filters.kind]);
      if (filters.currency) query = query.where('currency', '=', filters.currency);
      if (filters.from) query = query.where('occurred_at', '>=', filters.from);
      if (filters.to) query = query.where('occurred_at', '<', filters.to);
      if (filters.livemode !== undefined) query = query.where('livemode', '=', filters.livemode);
      return keysetPage<MoneyMovementRow>(query, { column: 'occurred_at', direction: options.direction, valueFormat: 'timestamp' }, options);
    },

    all(filters: MoneyMovementFilters, options: { direction: KeysetOrder['direction']; batchSize?: number }): AsyncGenerator<MoneyMovementRow> {
      return allPages((cursor) => this.page(filters, { direction: options.direction, limit: options.batchSize ?? 1000, cursor }));
    },
  };
}

export type MoneyMovementQueries = ReturnType<typeof createMoneyMovementQueries>;
