import { sql, type Kysely } from 'kysely';
import type { Migration } from 'kysely/migration';

export type SimulatedDnsTables = {
  simulated_dns_records: { hostname: string; ip: string; updated_at: Date };
};

/** The DNS simulator's A records. */
export const simulatedDnsRecords: Migration = {
  // eslint-disable-next-line @typescript-eslint/no-explicit-any
  async up(db: Kysely<any>) {
    await db.schema
      .createTable('simulated_dns_records')
      .addColumn('hostname', 'text', (c) => c.primaryKey())
      .addColumn('ip', 'text', (c) => c.notNull())
      .addColumn('updated_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
      .execute();
  },
};
