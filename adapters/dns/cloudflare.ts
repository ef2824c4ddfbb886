import { z } from 'zod';
import type { DnsProvider } from '../../domain/ports/provisioning.ts';
import { checkedRecord } from './dns-names.ts';

export interface CloudflareOptions {
  /** CLOUDFLARE_API_URL: https://api.cloudflare.com/client/v4. */
  readonly apiUrl: string;
  /** An API token with Zone.DNS edit permission on the zone. */
  readonly apiToken: string;
  readonly zoneId: string;
  readonly timeoutMs: number;
}

/** A Cloudflare call that failed: what Cloudflare said, never the token. */
export class CloudflareError extends Error {
  override readonly name = 'CloudflareError';
  constructor(
    message: string,
    readonly retryable: boolean,
    readonly statusCode: number | null = null,
  ) {
    super(message);
  }
}

const envelope = z.object({
  success: z.boolean(),
  errors: z.array(z.object({ code: z.number().optional(), message: z.string() }).loose()).default([]),
  result: z.unknown(),
});
const recordSchema = z.object({ id: z.string(), type: z.string(), name: z.string(), content: z.string() }).loose();

/**
 * Cloudflare's DNS API (v4): the A record for a tenant's host name, upserted. Chosen because its
 * API is documented endpoint by endpoint (developers.cloudflare.com/api), takes a scoped token,
 * and answers every call in one envelope (`success`, `errors`, `result`). The upsert lists the
 * name's A records first: none is created, one with another address is replaced, the same one
 * is left alone, and extra ones (which would send some visitors elsewhere) are removed.
 */
export function createCloudflareDns(options: CloudflareOptions): DnsProvider {
  const base = options.apiUrl.replace(/\/$/, '');
  const records = `${base}/zones/${encodeURIComponent(options.zoneId)}/dns_records`;

  const call = async (method: string, url: string, body?: unknown): Promise<unknown> => {
    let response: Response;
    try {
      response = await fetch(url, {
        method,
        headers: { authorization: `Bearer ${options.apiToken}`, 'content-type': 'application/json', accept: 'application/json' },
        ...(body === undefined ? {} : { body: JSON.stringify(body) }),
        signal: AbortSignal.timeout(options.timeoutMs),
      });
    } catch (error) {
      const reason = (error as Error).name === 'TimeoutError' ? `no answer within ${options.timeoutMs} ms` : (error as Error).message;
      throw new CloudflareError(`Cloudflare ${method} dns_records: ${reason}`, true);
    }
    const retryable = response.status >= 500 || response.status === 429;
    const parsed = envelope.safeParse(await response.json().catch(() => null));
    if (!parsed.success) throw new CloudflareError(`Cloudflare ${method} dns_records: HTTP ${response.status}, not an API answer`, retryable || response.ok, response.status);
    if (!response.ok || !parsed.data.success) {
      const said = parsed.data.errors.map((e) => (e.code ? `${e.code} ${e.message}` : e.message)).join('; ');
      throw new CloudflareError(`Cloudflare refused ${method} dns_records: HTTP ${response.status}${said ? ` ${said}` : ''}`, retryable, response.status);
    }
    return parsed.data.result;
  };

  return {
    name: 'cloudflare',
    simulated: false,

    async upsertARecord(request) {
      const { hostname, ip } = checkedRecord(request);
      const listed = z.array(recordSchema).parse(await call('GET', `${records}?${new URLSearchParams({ type: 'A', name: hostname, per_page: '100' })}`));
      const [keep, ...extra] = [...listed.filter((r) => r.content === ip), ...listed.filter((r) => r.content !== ip)];
      const wanted = { type: 'A', name: hostname, content: ip, ttl: 1, proxied: false, comment: 'billing-ledger provisioning' };
      if (!keep) await call('POST', records, wanted);
      else if (keep.content !== ip) await call('PUT', `${records}/${encodeURIComponent(keep.id)}`, wanted);
      for (const record of extra) await call('DELETE', `${records}/${encodeURIComponent(record.id)}`);
    },
  };
}
