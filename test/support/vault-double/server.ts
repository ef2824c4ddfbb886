import { randomUUID } from 'node:crypto';
import { startHttpDouble, type HttpAnswer, type HttpDouble, type HttpDoubleRequest } from '../http-double.ts';

export const VAULT_DOUBLE_TOKEN = 'hvs.vault-double-token';

export interface VaultDoubleSecret {
  readonly versions: { readonly data: Record<string, string>; readonly createdTime: string }[];
}

export interface VaultDouble extends HttpDouble {
  /** `<mount>/<path>` → its versions, oldest first. */
  readonly secrets: Map<string, VaultDoubleSecret>;
}

const envelope = (data: unknown) => ({ request_id: randomUUID(), lease_id: '', renewable: false, lease_duration: 0, data, wrap_info: null, warnings: null, auth: null });
const errors = (status: number, ...messages: string[]): HttpAnswer => ({ status, body: { errors: messages } });

/**
 * A stand-in for Vault's KV version 2 HTTP API (developer.hashicorp.com/vault/api-docs/secret/kv/kv-v2),
 * so node-vault itself runs: `X-Vault-Token` auth (403 "permission denied" otherwise), POST/PUT
 * `/v1/<mount>/data/<path>` with `{"data": {...}}` creating a new version (with `"options": {"cas": n}`
 * only if the current version is n, 0 meaning none yet; else 400 as Vault answers), GET answering the
 * latest version with its metadata or 404 with no errors, and `/v1/sys/health`. Mounts listed
 * in `mounts` exist (default `secret`); others answer 404 as an unmounted path does.
 */
export async function startVaultDouble(options: { mounts?: readonly string[] } = {}): Promise<VaultDouble> {
  const mounts = new Set(options.mounts ?? ['secret']);
  const secrets = new Map<string, VaultDoubleSecret>();

  const answer = (request: HttpDoubleRequest): HttpAnswer => {
    if (request.path === '/v1/sys/health') return { status: 200, body: { initialized: true, sealed: false, standby: false, version: '1.17.0-double' } };
    if (request.headers['x-vault-token'] !== VAULT_DOUBLE_TOKEN) return errors(403, 'permission denied');
    const match = /^\/v1\/([^/]+)\/data\/(.+)$/.exec(request.path);
    if (!match || !mounts.has(match[1]!)) return errors(404, `no handler for route "${request.path.slice(4)}". route entry not found.`);
    const key = `${match[1]}/${match[2]}`;
    if (request.method === 'GET') {
      const secret = secrets.get(key);
      if (!secret) return errors(404);
      const version = secret.versions.length;
      const latest = secret.versions[version - 1]!;
      return { status: 200, body: envelope({ data: latest.data, metadata: { created_time: latest.createdTime, custom_metadata: null, deletion_time: '', destroyed: false, version } }) };
    }
    if (request.method === 'POST' || request.method === 'PUT') {
      let body: unknown;
      try {
        body = JSON.parse(request.body);
      } catch {
        return errors(400, 'failed to parse JSON input');
      }
      const data = (body as { data?: unknown }).data;
      if (typeof data !== 'object' || data === null || Array.isArray(data)) return errors(400, 'no data provided');
      const secret = secrets.get(key) ?? { versions: [] };
      const cas = (body as { options?: { cas?: unknown } }).options?.cas;
      // Check-and-set: the write is made only if the secret's current version is `cas` (0: it does not exist).
      if (cas !== undefined && cas !== secret.versions.length) return errors(400, 'check-and-set parameter did not match the current version');
      const createdTime = new Date().toISOString();
      secret.versions.push({ data: data as Record<string, string>, createdTime });
      secrets.set(key, secret);
      return { status: 200, body: envelope({ created_time: createdTime, custom_metadata: null, deletion_time: '', destroyed: false, version: secret.versions.length }) };
    }
    return errors(405, 'unsupported operation');
  };

  const double = await startHttpDouble(answer);
  return Object.assign(double, { secrets });
}
