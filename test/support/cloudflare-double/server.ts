import { randomBytes } from 'node:crypto';
import { startHttpDouble, type HttpAnswer, type HttpDouble, type HttpDoubleRequest } from '../http-double.ts';

export const CLOUDFLARE_DOUBLE_TOKEN = 'cloudflare-double-token';
export const CLOUDFLARE_DOUBLE_ZONE = '023e105f4ecef8ad9ca31a8372d0c353';

export interface CloudflareDoubleRecord {
  readonly id: string;
  type: string;
  name: string;
  content: string;
  ttl: number;
  proxied: boolean;
}

export interface CloudflareDouble extends HttpDouble {
  /** The zone's records by id. */
  readonly records: Map<string, CloudflareDoubleRecord>;
  /** The A records' addresses for a name. */
  addressesOf(name: string): string[];
}

const result = (value: unknown, status = 200): HttpAnswer => ({ status, body: { success: true, errors: [], messages: [], result: value } });
const failure = (status: number, code: number, message: string): HttpAnswer => ({ status, body: { success: false, errors: [{ code, message }], messages: [], result: null } });

/**
 * A stand-in for Cloudflare's DNS records API (v4, developers.cloudflare.com/api/resources/dns/subresources/records):
 * Bearer token auth, one zone, `GET /zones/:zone/dns_records?type=&name=`, `POST` to create,
 * `PUT /dns_records/:id` to overwrite, `DELETE /dns_records/:id`, in Cloudflare's envelope.
 */
export async function startCloudflareDouble(): Promise<CloudflareDouble> {
  const records = new Map<string, CloudflareDoubleRecord>();
  const prefix = `/client/v4/zones/${CLOUDFLARE_DOUBLE_ZONE}/dns_records`;

  const validRecord = (body: unknown): Omit<CloudflareDoubleRecord, 'id'> | string => {
    const r = body as Partial<CloudflareDoubleRecord> | null;
    if (!r || typeof r.name !== 'string' || typeof r.content !== 'string' || typeof r.type !== 'string') return 'DNS record must have type, name and content';
    if (r.type === 'A' && !/^\d{1,3}(\.\d{1,3}){3}$/.test(r.content)) return 'Content for A record must be a valid IPv4 address.';
    return { type: r.type, name: r.name, content: r.content, ttl: r.ttl ?? 1, proxied: r.proxied ?? false };
  };

  const answer = (request: HttpDoubleRequest): HttpAnswer => {
    if (request.headers.authorization !== `Bearer ${CLOUDFLARE_DOUBLE_TOKEN}`) return failure(403, 10000, 'Authentication error');
    if (!request.path.startsWith(prefix)) return failure(404, 7003, 'Could not route to /' + request.path.split('/').slice(3).join('/') + ', perhaps your object identifier is invalid?');
    const id = request.path.slice(prefix.length + 1);
    if (request.method === 'GET' && !id) {
      const type = request.query.get('type');
      const name = request.query.get('name');
      return result([...records.values()].filter((r) => (!type || r.type === type) && (!name || r.name === name)));
    }
    if (request.method === 'POST' && !id) {
      const record = validRecord(JSON.parse(request.body || 'null'));
      if (typeof record === 'string') return failure(400, 9005, record);
      if ([...records.values()].some((r) => r.type === record.type && r.name === record.name && r.content === record.content)) return failure(400, 81058, 'An identical record already exists.');
      const created = { id: randomBytes(16).toString('hex'), ...record };
      records.set(created.id, created);
      return result(created);
    }
    const existing = records.get(id);
    if (!existing) return failure(404, 81044, 'Record does not exist.');
    if (request.method === 'PUT') {
      const record = validRecord(JSON.parse(request.body || 'null'));
      if (typeof record === 'string') return failure(400, 9005, record);
      Object.assign(existing, record);
      return result(existing);
    }
    if (request.method === 'DELETE') {
      records.delete(id);
      return result({ id });
    }
    return failure(405, 10000, 'Method not allowed');
  };

  const double = await startHttpDouble(answer);
  return Object.assign(double, {
    url: `${double.url}/client/v4`,
    records,
    addressesOf: (name: string) => [...records.values()].filter((r) => r.type === 'A' && r.name === name).map((r) => r.content),
  });
}
