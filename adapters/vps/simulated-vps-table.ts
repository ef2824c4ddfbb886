import { sql, type Kysely } from 'kysely';
import type { Migration } from 'kysely/migration';

export type SimulatedServerTables = {
  simulated_servers: {
    server_id: string;
    order_id: string;
    reference: string;
    hostname: string;
    ordered_at: Date;
    polls: number;
    public_ip: string | null;
    reverse_dns: string | null;
  };
};

/** The VPS simulator's servers: kept in the database so an order survives a restart, as a provider's would. */
export const simulatedServers: Migration = {
  // eslint-disable-next-line @typescript-eslint/no-explicit-any
  async up(db: Kysely<any>) {
    await db.schema
      .createTable('simulated_servers')
      .addColumn('server_id', 'text', (c) => c.primaryKey())
      .addColumn('order_id', 'text', (c) => c.notNull().unique())
      .addColumn('reference', 'text', (c) => c.notNull().unique())
      .addColumn('hostname', 'text', (c) => c.notNull())
      .addColumn('ordered_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
      .addColumn('polls', 'integer', (c) => c.notNull().defaultTo(0))
      .addColumn('public_ip', 'text')
      .addColumn('reverse_dns', 'text')
      .execute();
  },
};
