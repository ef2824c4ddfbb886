import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';

const PREFIX = 'lk_';

/** What a key may do: a tenant's own billing, every tenant's figures (finance), or manage tenants and keys. */
export const API_KEY_SCOPES = ['tenant', 'finance', 'admin'] as const;
export type ApiKeyScope = (typeof API_KEY_SCOPES)[number];

/**
 * A new API key: 32 random bytes, so a fast hash is enough to store it (no dictionary to
 * attack). Only the hash and a short, recognisable prefix are ever stored.
 */
export function generateApiKey(): { apiKey: string; hash: string; displayPrefix: string } {
  const apiKey = `${PREFIX}${randomBytes(32).toString('base64url')}`;
  return { apiKey, hash: hashApiKey(apiKey), displayPrefix: displayPrefix(apiKey) };
}

/**
 * The part of a key shown in lists and used to find its row: not secret (the other 40 characters,
 * about 240 random bits, are). Keys issued before key scopes existed stored exactly this too.
 */
export function displayPrefix(apiKey: string): string {
  return apiKey.slice(0, PREFIX.length + 6);
}

export function hashApiKey(apiKey: string): string {
  return createHash('sha256').update(apiKey, 'utf8').digest('hex');
}

/** Compares two SHA-256 hex digests in time independent of where they differ. */
export function sameHash(a: string, b: string): boolean {
  const left = Buffer.from(a, 'hex');
  const right = Buffer.from(b, 'hex');
  return left.length === 32 && right.length === 32 && timingSafeEqual(left, right);
}

/**
 * Which keys belong to a tenant: tenant keys, always, and no other. Null when the pair is
 * consistent, else what is wrong, naming `field` (how the caller spells the tenant).
 */
export function scopeOwnerProblem(scope: ApiKeyScope, tenantId: string | undefined, field: string): string | null {
  if (scope === 'tenant' && !tenantId) return `a tenant key needs ${field}, the tenant it belongs to`;
  if (scope !== 'tenant' && tenantId) return `${scope === 'admin' ? 'an' : 'a'} ${scope} key belongs to no tenant: leave out ${field}`;
  return null;
}
