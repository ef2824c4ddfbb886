import { isIPv4 } from 'node:net';
import { setTimeout as delay } from 'node:timers/promises';
import { z } from 'zod';
import type { AnyDb } from '../db/database.ts';
import type { VpsProvider, VpsServer } from '../../domain/ports/provisioning.ts';
import { checkedRecord } from '../dns/dns-names.ts';
import type { VpsOrderTables } from './vps-orders-table.ts';

export interface HostwindsOptions {
  /** HOSTWINDS_API_URL: the cloud API's one endpoint, https://clients.hostwinds.com/cloud/api.php. */
  readonly apiUrl: string;
  readonly apiKey: string;
  readonly locationId: string;
  /** The plan ("rid") ordered. */
  readonly planId: string;
  /** The image ("template") installed. */
  readonly image: string;
  readonly timeoutMs: number;
  /** After ordering, how often (and how far apart) the new server is looked for before the step is left to be retried. */
  readonly listingAttempts?: number;
  readonly listingDelayMs?: number;
  /** Where orders are marked before they are sent (`vps_orders`). */
  readonly db: AnyDb;
  /**
   * How long an order may stay unlisted before the step stops retrying and asks an operator to
   * look in the Hostwinds account (default 30 minutes).
   */
  readonly listingGraceMs?: number;
  readonly now?: () => Date;
}

/**
 * A Hostwinds call that failed: the action and what Hostwinds said (never the API key). Hostwinds
 * answers its refusals with HTTP 200 and `"result": "error"`; those are not `retryable` (the
 * request must change), while HTTP errors, timeouts and lost connections are.
 */
export class HostwindsError extends Error {
  override readonly name = 'HostwindsError';
  constructor(
    message: string,
    readonly action: string,
    readonly retryable: boolean,
    readonly statusCode: number | null = null,
  ) {
    super(message);
  }
}

const resultSchema = z.object({ result: z.string(), message: z.string().optional() }).loose();
const listedSchema = z.object({ id: z.coerce.number().int(), srvrname: z.string().nullable().optional() }).loose();
const instanceSchema = z.object({ serviceid: z.coerce.number().int(), main_ip: z.string().nullable().optional(), status: z.string().nullable().optional() }).loose();

/** Some actions wrap their answer as `{"success": ...}`, others answer it bare. */
const unwrap = (body: unknown) => (typeof body === 'object' && body !== null && !Array.isArray(body) && 'success' in body ? (body as { success: unknown }).success : body);

/**
 * Hostwinds' cloud API (one endpoint, form-encoded `action=...&API=<key>`, as documented at
 * developers.hostwinds.com/cloud). Hostwinds' `add_instance` answers without the new server's
 * id, so the server's name (`srvrname`) is our reference: before ordering, the account's servers
 * are searched for it (`get_instance_ids`), and a retried order finds the first one instead of
 * buying a second. Since Hostwinds may list a new server only some time after the order, the
 * order is also marked in `vps_orders` before it is sent: a retry that finds the mark but no
 * server waits for the listing rather than ordering again. The service id is the order id.
 */
export function createHostwindsVps(options: HostwindsOptions): VpsProvider {
  const listingAttempts = options.listingAttempts ?? 5;
  const listingDelayMs = options.listingDelayMs ?? 2000;

  const call = async (action: string, params: Record<string, string>): Promise<unknown> => {
    let response: Response;
    try {
      response = await fetch(options.apiUrl, {
        method: 'POST',
        headers: { 'content-type': 'application/x-www-form-urlencoded', accept: 'application/json' },
        body: new URLSearchParams({ action, ...params, API: options.apiKey }),
        signal: AbortSignal.timeout(options.timeoutMs),
      });
    } catch (error) {
      const reason = (error as Error).name === 'TimeoutError' ? `no answer within ${options.timeoutMs} ms` : `${(error as Error).message}${(error as { cause?: { code?: string } }).cause?.code ? ` (${(error as { cause: { code: string } }).cause.code})` : ''}`;
      throw new HostwindsError(`Hostwinds ${action}: ${reason}`, action, true);
    }
    const text = await response.text();
    if (!response.ok) throw new HostwindsError(`Hostwinds ${action}: HTTP ${response.status}`, action, response.status >= 500 || response.status === 429, response.status);
    let body: unknown;
    try {
      body = JSON.parse(text);
    } catch {
      throw new HostwindsError(`Hostwinds ${action}: the answer is not JSON`, action, true, response.status);
    }
    const results = (Array.isArray(body) ? body : [body]).map((entry) => resultSchema.safeParse(entry)).filter((r) => r.success).map((r) => r.data);
    const refused = results.find((r) => r.result === 'error');
    if (refused) throw new HostwindsError(`Hostwinds refused ${action}: ${refused.message ?? 'no reason given'}`, action, false, response.status);
    return body;
  };

  const parse = <T>(schema: z.ZodType<T>, action: string, value: unknown): T => {
    const parsed = schema.safeParse(value);
    if (!parsed.success) throw new HostwindsError(`Hostwinds ${action}: unexpected answer (${parsed.error.issues[0]?.message})`, action, true);
    return parsed.data;
  };

  const findByReference = async (reference: string): Promise<number | null> => {
    const listed = parse(z.array(listedSchema), 'get_instance_ids', unwrap(await call('get_instance_ids', { search: reference })));
    const ids = listed.filter((server) => server.srvrname === reference).map((server) => server.id);
    return ids.length ? Math.min(...ids) : null;
  };

  const getServer = async (serverId: string): Promise<VpsServer> => {
    if (!/^\d+$/.test(serverId)) throw new HostwindsError(`Hostwinds get_instance: ${serverId} is not a service id`, 'get_instance', false);
    const instance = parse(instanceSchema, 'get_instance', unwrap(await call('get_instance', { serviceid: serverId })));
    const ip = instance.main_ip?.trim();
    return { orderId: String(instance.serviceid), serverId: String(instance.serviceid), publicIp: ip && isIPv4(ip) ? ip : null, status: instance.status ?? 'unknown' };
  };

  const orders = options.db.withTables<VpsOrderTables>();
  const now = options.now ?? (() => new Date());
  const listingGraceMs = options.listingGraceMs ?? 30 * 60_000;

  /** An order was placed (or may have been): the server it made, once Hostwinds lists it. */
  const awaitListing = async (reference: string, orderedAt: Date): Promise<VpsServer> => {
    for (let attempt = 1; attempt <= listingAttempts; attempt++) {
      const ordered = await findByReference(reference);
      if (ordered !== null) return getServer(String(ordered));
      if (attempt < listingAttempts) await delay(listingDelayMs);
    }
    const waited = now().getTime() - orderedAt.getTime();
    if (waited > listingGraceMs) {
      throw new HostwindsError(
        `an order for ${reference} was sent at ${orderedAt.toISOString()} and Hostwinds still lists no server by that name: look for it in the Hostwinds account; if there is none, delete its row from vps_orders and retry`,
        'add_instance',
        false,
      );
    }
    throw new HostwindsError(`Hostwinds has the order for ${reference} (sent ${orderedAt.toISOString()}) but does not list the server yet; retrying finds it`, 'add_instance', true);
  };

  return {
    name: 'hostwinds',
    simulated: false,

    async orderServer(request) {
      const reference = request.reference.trim();
      if (!/^[A-Za-z0-9][A-Za-z0-9._-]{0,62}$/.test(reference)) throw new HostwindsError(`a server name must be letters, digits, . _ - (got ${JSON.stringify(request.reference)})`, 'add_instance', false);
      const existing = await findByReference(reference);
      if (existing !== null) return getServer(String(existing));
      const marked = await orders.selectFrom('vps_orders').select('ordered_at').where('reference', '=', reference).executeTakeFirst();
      if (marked) return awaitListing(reference, marked.ordered_at);
      const claimed = await orders
        .insertInto('vps_orders')
        .values({ reference, provider: 'hostwinds', ordered_at: now() })
        .onConflict((c) => c.column('reference').doNothing())
        .returning('ordered_at')
        .executeTakeFirst();
      // Another instance is ordering it right now.
      if (!claimed) throw new HostwindsError(`an order for ${reference} is being placed by another process`, 'add_instance', true);
      try {
        await call('add_instance', {
          template: options.image,
          rid: options.planId,
          location_id: options.locationId,
          qty: '1',
          srvrname: reference,
          billingcycle: 'monthly',
        });
      } catch (error) {
        // Refused outright: nothing was ordered, so a retry may order. An unclear outcome (a 5xx,
        // no answer) keeps the mark: the server may exist, and is waited for instead.
        if (error instanceof HostwindsError && !error.retryable) await orders.deleteFrom('vps_orders').where('reference', '=', reference).execute();
        throw error;
      }
      return awaitListing(reference, claimed.ordered_at);
    },

    getServer,

    async setReverseDns(request) {
      const { hostname, ip } = checkedRecord(request);
      if (!/^\d+$/.test(request.serverId)) throw new HostwindsError(`Hostwinds set_rdns: ${request.serverId} is not a service id`, 'set_rdns', false);
      await call('set_rdns', { serviceid: request.serverId, ip, rdns: hostname });
    },
  };
}
