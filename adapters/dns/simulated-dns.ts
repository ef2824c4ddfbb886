import type { Logger } from 'pino';
import type { AnyDb } from '../db/database.ts';
import type { DnsProvider } from '../../domain/ports/provisioning.ts';
import { checkedRecord, hostnameSchema } from './dns-names.ts';
import type { SimulatedDnsTables } from './simulated-dns-table.ts';

export interface SimulatedDns extends DnsProvider {
  readonly simulated: true;
  /** The address an A record points at, or null: what a resolver would answer. */
  lookup(hostname: string): Promise<string | null>;
}

/**
 * A stand-in for the DNS provider when none is configured: A records are rows in
 * `simulated_dns_records` (one per host name, so an upsert is idempotent). Logs say `simulated`.
 */
export function createSimulatedDns(options: { readonly db: AnyDb; readonly logger: Logger }): SimulatedDns {
  const db = options.db.withTables<SimulatedDnsTables>();
  const logger = options.logger.child({ provider: 'simulated-dns', simulated: true });
  return {
    name: 'simulated',
    simulated: true,

    async upsertARecord(request) {
      const { hostname, ip } = checkedRecord(request);
      await db
        .insertInto('simulated_dns_records')
        .values({ hostname, ip, updated_at: new Date() })
        .onConflict((c) => c.column('hostname').doUpdateSet({ ip, updated_at: new Date() }))
        .execute();
      logger.info({ hostname, ip }, 'simulated DNS A record set');
    },

    async lookup(hostname) {
      const row = await db.selectFrom('simulated_dns_records').select('ip').where('hostname', '=', hostnameSchema.parse(hostname)).executeTakeFirst();
      return row?.ip ?? null;
    },
  };
}
