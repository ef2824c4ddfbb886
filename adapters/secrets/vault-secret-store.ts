import vault from 'node-vault';
import { z } from 'zod';
import type { SecretStore } from '../../domain/ports/provisioning.ts';
import { checkedSecretPath, sameSecretData, secretDataSchema } from './secret-path.ts';

export interface VaultSecretStoreOptions {
  /** VAULT_ADDR, e.g. https://vault.internal:8200. */
  readonly addr: string;
  readonly token: string;
  /** The KV v2 mount (VAULT_KV_MOUNT, default `secret`). */
  readonly kvMount: string;
  readonly timeoutMs: number;
}

/**
 * A Vault call that failed. Says which path and what Vault answered; never carries the request
 * (its token header and the secret's values), so it is safe to log. `retryable` is false for
 * Vault's refusals (403 permission denied, 400 bad request), true for what a retry may cure.
 */
export class VaultError extends Error {
  override readonly name = 'VaultError';
  readonly statusCode: number | null;
  readonly retryable: boolean;
  constructor(
    message: string,
    statusCode: number | null,
    retryable: boolean,
  ) {
    super(message);
    this.statusCode = statusCode;
    this.retryable = retryable;
  }
}

const readAnswer = z.object({ data: z.object({ data: secretDataSchema, metadata: z.object({ version: z.number().int() }) }) });
const writeAnswer = z.object({ data: z.object({ version: z.number().int() }) });

/** Vault's 400 for a write whose `options.cas` is not the secret's current version. */
function isCheckAndSetMismatch(error: unknown): boolean {
  const response = (error as { response?: { statusCode?: number; body?: { errors?: unknown[] } } }).response;
  return response?.statusCode === 400 && (response.body?.errors ?? []).some((e) => typeof e === 'string' && e.includes('check-and-set'));
}

function describeFailure(what: string, error: unknown): VaultError {
  const response = (error as { response?: { statusCode?: number; body?: { errors?: unknown[] } } }).response;
  if (response?.statusCode) {
    const said = response.body?.errors?.filter((e) => typeof e === 'string').join('; ');
    return new VaultError(`Vault refused to ${what}: ${response.statusCode}${said ? ` ${said}` : ''}`, response.statusCode, response.statusCode >= 500 || response.statusCode === 429);
  }
  const code = (error as { code?: string }).code;
  const reason = code === 'ECONNABORTED' || code === 'ETIMEDOUT' ? 'no answer in time' : (code ?? (error as Error).message);
  return new VaultError(`Vault did not answer to ${what}: ${reason}`, null, true);
}

/**
 * Secrets in Vault's KV version 2 engine through node-vault: `<mount>/data/<path>` holds the
 * data, each write a new version. Writing the values already there is recognised (read first)
 * and makes no new version, so a retried step leaves one version per real change. `create`
 * writes with check-and-set 0, which Vault makes only if the path holds no secret yet.
 */
export function createVaultSecretStore(options: VaultSecretStoreOptions): SecretStore {
  const client = vault({
    apiVersion: 'v1',
    endpoint: options.addr,
    token: options.token,
    requestOptions: { timeout: options.timeoutMs },
    // node-vault's own debug output prints what it writes: never for secrets.
    debug: () => {},
  });
  const dataPath = (path: string) => `${options.kvMount}/data/${path}`;

  const readVersion = async (path: string) => {
    try {
      return readAnswer.parse(await client.read(dataPath(path))).data;
    } catch (error) {
      if ((error as { response?: { statusCode?: number } }).response?.statusCode === 404) return null;
      if (error instanceof z.ZodError) throw new VaultError(`Vault's answer for ${path} is not a KV v2 secret of strings (is ${options.kvMount} a KV version 2 mount?)`, null, false);
      throw describeFailure(`read ${path}`, error);
    }
  };

  return {
    kind: 'vault',

    location: (rawPath) => dataPath(checkedSecretPath(rawPath)),
    async write(rawPath, rawData) {
      const path = checkedSecretPath(rawPath);
      const data = secretDataSchema.parse(rawData);
      const current = await readVersion(path);
      if (current && sameSecretData(current.data, data)) return { path: dataPath(path), version: current.metadata.version };
      let answer: unknown;
      try {
        answer = await client.write(dataPath(path), { data });
      } catch (error) {
        throw describeFailure(`write ${path}`, error);
      }
      const parsed = writeAnswer.safeParse(answer);
      return { path: dataPath(path), version: parsed.success ? parsed.data.data.version : null };
    },

    async create(rawPath, rawData) {
      const path = checkedSecretPath(rawPath);
      const data = secretDataSchema.parse(rawData);
      let answer: unknown;
      try {
        answer = await client.write(dataPath(path), { options: { cas: 0 }, data });
      } catch (error) {
        if (!isCheckAndSetMismatch(error)) throw describeFailure(`create ${path}`, error);
        const current = await readVersion(path);
        // The secret exists (it has versions) but its latest one answers nothing: replacing it could lose keys in use.
        if (!current) throw new VaultError(`Vault holds a secret at ${path} whose latest version is deleted or destroyed, so it was not replaced; undelete that version, or delete the secret's metadata if nothing uses it`, 400, false);
        return { created: false, path: dataPath(path), existing: current.data };
      }
      const parsed = writeAnswer.safeParse(answer);
      return { created: true, path: dataPath(path), version: parsed.success ? parsed.data.data.version : null };
    },

    async read(rawPath) {
      return (await readVersion(checkedSecretPath(rawPath)))?.data ?? null;
    },
  };
}
