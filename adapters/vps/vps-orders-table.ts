import type { Kysely } from 'kysely';
import type { Migration } from 'kysely/migration';

export type VpsOrderTables = {
  vps_orders: { reference: string; provider: string; ordered_at: Date };
};

/**
 * Orders placed with a provider that answers an order without the new server's id (Hostwinds):
 * written before the order is sent, so that a retry after a crash or an unclear answer, while
 * the provider does not list the server yet, waits for it instead of ordering a second one.
 */
export const vpsOrders: Migration = {
  // eslint-disable-next-line @typescript-eslint/no-explicit-any
  async up(db: Kysely<any>) {
    await db.schema
      .createTable('vps_orders')
      .addColumn('reference', 'text', (c) => c.primaryKey())
      .addColumn('provider', 'text', (c) => c.notNull())
      .addColumn('ordered_at', 'timestamptz', (c) => c.notNull())
      .execute();
  },
};
