import { createHash, randomBytes } from 'node:crypto';

const PREFIX = 'lk_';

/**
 * A new API key: 32 random bytes, so a fast hash is enough to store it (no dictionary to
 * attack). Only the hash and a short, recognisable prefix are ever stored.
 */
export function generateApiKey(): { apiKey: string; hash: string; displayPrefix: string } {
  const apiKey = `${PREFIX}${randomBytes(32).toString('base64url')}`;
  return { apiKey, hash: hashApiKey(apiKey), displayPrefix: apiKey.slice(0, PREFIX.length + 6) };
}

export function hashApiKey(apiKey: string): string {
  return createHash('sha256').update(apiKey, 'utf8').digest('hex');
}
