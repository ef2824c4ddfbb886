import { sql, type Kysely } from 'kysely';
import type { Migration } from 'kysely/migration';

const sqlCycle = sql`billing_cycle in ('monthly', 'annual')`;

export const plans: Migration = {
  // eslint-disable-next-line @typescript-eslint/no-explicit-any
  async up(db: Kysely<any>) {
    await db.schema
      .createTable('plans')
      .addColumn('id', 'text', (c) => c.primaryKey())
      .addColumn('name', 'text', (c) => c.notNull())
      .addColumn('tier', 'text', (c) => c.notNull())
      .addColumn('billing_cycle', 'text', (c) => c.notNull().check(sqlCycle))
      .addColumn('stripe_price_id', 'text', (c) => c.notNull().unique())
      .addColumn('amount_minor', 'bigint', (c) => c.notNull())
      .addColumn('currency', 'char(3)', (c) => c.notNull())
      .addColumn('limits', 'jsonb', (c) => c.notNull())
      .execute();
  },
};
