import { createHash, randomUUID } from 'node:crypto';
import type { Logger } from 'pino';
import type { AnyDb } from '../db/database.ts';
import type { VpsProvider, VpsServer } from '../../domain/ports/provisioning.ts';
import { checkedRecord, hostnameSchema } from '../dns/dns-names.ts';
import type { SimulatedServerTables } from './simulated-vps-table.ts';

export interface SimulatedVpsOptions {
  readonly db: AnyDb;
  readonly logger: Logger;
  /** Reads of the server before it has an address (default 1: the first read after ordering sees none). */
  readonly ipAfterPolls?: number;
  /** And at least this long after the order (default 0). */
  readonly ipAfterMs?: number;
  /** The simulator's sense of time (the process manager's clock in tests). */
  readonly now?: () => Date;
}

export interface SimulatedVps extends VpsProvider {
  readonly simulated: true;
  /** The reverse DNS name set for a server, for tests and the status page. */
  reverseDnsOf(serverId: string): Promise<string | null>;
}

/** No such server: the same failure a provider reports for an unknown id. */
export class UnknownServerError extends Error {
  override readonly name = 'UnknownServerError';
}

// Documentation address blocks (RFC 5737): a simulated server's address can never be mistaken for a real one.
const TEST_NETS = ['192.0.2', '198.51.100', '203.0.113'] as const;

function simulatedAddress(reference: string): string {
  const n = createHash('sha256').update(reference).digest().readUInt32BE(0) % (TEST_NETS.length * 254);
  return `${TEST_NETS[Math.floor(n / 254)]}.${(n % 254) + 1}`;
}

type Row = SimulatedServerTables['simulated_servers'];

const toServer = (row: Row): VpsServer => ({
  orderId: row.order_id,
  serverId: row.server_id,
  publicIp: row.public_ip,
  status: row.public_ip ? 'active' : 'pending',
});

/**
 * A stand-in for the VPS provider when none is configured (the embedded default): orders are
 * rows in `simulated_servers`, so a repeated order under the same reference finds the first
 * one even after a restart, and an address (from a documentation block) is assigned after a
 * set number of reads and time, as a provider's would be. Every log line says `simulated`.
 */
export function createSimulatedVps(options: SimulatedVpsOptions): SimulatedVps {
  const db = options.db.withTables<SimulatedServerTables>();
  const logger = options.logger.child({ provider: 'simulated-vps', simulated: true });
  const ipAfterPolls = options.ipAfterPolls ?? 1;
  const ipAfterMs = options.ipAfterMs ?? 0;
  const now = options.now ?? (() => new Date());

  const find = async (serverId: string): Promise<Row> => {
    const row = await db.selectFrom('simulated_servers').selectAll().where('server_id', '=', serverId).executeTakeFirst();
    if (!row) throw new UnknownServerError(`no simulated server ${serverId}`);
    return row;
  };

  return {
    name: 'simulated',
    simulated: true,

    async orderServer(request) {
      const hostname = hostnameSchema.parse(request.hostname);
      if (!request.reference.trim()) throw new Error('an order needs a reference');
      const id = randomUUID();
      const inserted = await db
        .insertInto('simulated_servers')
        .values({ server_id: `sim-${id}`, order_id: `sim-order-${id}`, reference: request.reference, hostname, ordered_at: now(), polls: 0, public_ip: null, reverse_dns: null })
        .onConflict((c) => c.column('reference').doNothing())
        .returningAll()
        .executeTakeFirst();
      const row = inserted ?? (await db.selectFrom('simulated_servers').selectAll().where('reference', '=', request.reference).executeTakeFirstOrThrow());
      logger.info({ reference: request.reference, orderId: row.order_id, serverId: row.server_id }, inserted ? 'simulated VPS ordered' : 'simulated VPS already ordered under this reference');
      return toServer(row);
    },

    async getServer(serverId) {
      const row = await find(serverId);
      const polls = row.polls + 1;
      const due = !row.public_ip && polls >= ipAfterPolls && now().getTime() - row.ordered_at.getTime() >= ipAfterMs;
      const publicIp = due ? simulatedAddress(row.reference) : row.public_ip;
      const updated = await db
        .updateTable('simulated_servers')
        .set({ polls, public_ip: publicIp })
        .where('server_id', '=', serverId)
        .returningAll()
        .executeTakeFirstOrThrow();
      if (due) logger.info({ serverId, publicIp }, 'simulated VPS got its address');
      return toServer(updated);
    },

    async setReverseDns(request) {
      const { hostname, ip } = checkedRecord(request);
      const row = await find(request.serverId);
      if (row.public_ip !== ip) throw new Error(`simulated server ${request.serverId} does not hold ${ip}`);
      await db.updateTable('simulated_servers').set({ reverse_dns: hostname }).where('server_id', '=', request.serverId).execute();
      logger.info({ serverId: request.serverId, ip, hostname }, 'simulated reverse DNS set');
    },

    async reverseDnsOf(serverId) {
      return (await find(serverId)).reverse_dns;
    },
  };
}
