import { z } from 'zod';

/**
 * Where a secret lives, e.g. `tenants/<tenantId>/ssh`: segments of letters, digits, `.`, `_`
 * and `-`, each starting with a letter or digit (so no `..`, no absolute path, nothing a file
 * system or Vault would read differently).
 */
export const secretPathSchema = z
  .string()
  .regex(/^[A-Za-z0-9][A-Za-z0-9._-]*(\/[A-Za-z0-9][A-Za-z0-9._-]*)*$/, 'must be segments of letters, digits, . _ - separated by /, e.g. tenants/<id>/ssh')
  .max(512);

export const secretDataSchema = z.record(z.string(), z.string());

export function checkedSecretPath(path: string): string {
  const parsed = secretPathSchema.safeParse(path);
  if (!parsed.success) throw new Error(`Invalid secret path: ${parsed.error.issues[0]?.message}`);
  return parsed.data;
}

/** Same keys with the same values, in any order. */
export function sameSecretData(a: Readonly<Record<string, string>>, b: Readonly<Record<string, string>>): boolean {
  const keys = Object.keys(a);
  return keys.length === Object.keys(b).length && keys.every((k) => Object.hasOwn(b, k) && a[k] === b[k]);
}
