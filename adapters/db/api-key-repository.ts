import { randomUUID } from 'node:crypto';
import { sql, type Generated, type Kysely } from 'kysely';
import type { AnyDb } from './database.ts';
import type { Tenant } from './tenant-repository.ts';
import { displayPrefix, generateApiKey, hashApiKey, sameHash, scopeOwnerProblem, type ApiKeyScope } from '../../domain/tenants/api-key.ts';
import { isUuid } from '../../domain/ids.ts';
import { OperatorError } from '../../domain/operator-error.ts';

type ApiKeyTables = {
  api_keys: {
    id: string;
    scope: ApiKeyScope;
    tenant_id: string | null;
    name: string | null;
    hash: string;
    prefix: string;
    created_at: Generated<Date>;
    revoked_at: Date | null;
  };
  tenants: { id: string; name: string; created_at: Generated<Date> };
};

/** A key as it may be shown: never its secret, nor its hash. */
export interface ApiKeyRecord {
  readonly id: string;
  readonly scope: ApiKeyScope;
  readonly tenantId: string | null;
  readonly name: string | null;
  readonly prefix: string;
  readonly createdAt: Date;
  readonly revokedAt: Date | null;
}

export interface NewApiKey {
  readonly scope: ApiKeyScope;
  readonly tenantId?: string | undefined;
  readonly name?: string | undefined;
}

/** What a presented key turned out to be. `tenant` is set for a tenant key. */
export type KeyVerification =
  | { readonly status: 'valid'; readonly key: ApiKeyRecord; readonly tenant: Tenant | null }
  | { readonly status: 'revoked'; readonly key: ApiKeyRecord }
  | { readonly status: 'unknown' };

export type Revocation =
  | { readonly status: 'revoked'; readonly key: ApiKeyRecord }
  | { readonly status: 'not_found' }
  /** Refused: it is the last admin key in use, and revoking it would lock everyone out of the admin API. */
  | { readonly status: 'last_admin_key'; readonly key: ApiKeyRecord };

export interface ApiKeyRepository {
  /** Returns the key's record and its secret, shown once: only its hash is kept. */
  issue(key: NewApiKey): Promise<{ key: ApiKeyRecord; secret: string }>;
  /** Oldest first, revoked ones included (with revokedAt). */
  list(filter?: { tenantId?: string | undefined; scope?: ApiKeyScope | undefined }): Promise<ApiKeyRecord[]>;
  /**
   * Revokes at once: the next request with the key is refused (nothing caches keys). Revoking a
   * revoked key changes nothing. With `keepAnAdminKey`, the last unrevoked admin key is refused.
   */
  revoke(id: string, options: { keepAnAdminKey: boolean }): Promise<Revocation>;
  verify(presented: string): Promise<KeyVerification>;
}

/** A tenant id that names no tenant. */
export class UnknownTenantError extends OperatorError {
  override readonly name = 'UnknownTenantError';
}

const keyColumns = ['api_keys.id', 'scope', 'tenant_id', 'api_keys.name', 'prefix', 'api_keys.created_at', 'revoked_at'] as const;
type KeyRow = { id: string; scope: ApiKeyScope; tenant_id: string | null; name: string | null; prefix: string; created_at: Date; revoked_at: Date | null };

const toRecord = (row: KeyRow): ApiKeyRecord => ({
  id: row.id,
  scope: row.scope,
  tenantId: row.tenant_id,
  name: row.name,
  prefix: row.prefix,
  createdAt: row.created_at,
  revokedAt: row.revoked_at,
});

// Compared against when no row has the presented prefix, so an unknown key costs what a wrong one does.
const NO_KEY_HASH = hashApiKey('no key has this prefix');

/** Stores a new key; `db` may be a transaction (a tenant and its first key are made together). */
export async function insertApiKey(anyDb: AnyDb, key: NewApiKey): Promise<{ key: ApiKeyRecord; secret: string }> {
  const problem = scopeOwnerProblem(key.scope, key.tenantId, 'a tenant id');
  if (problem) throw new OperatorError(problem);
  const db = anyDb.withTables<ApiKeyTables>();
  if (key.tenantId !== undefined) await requireTenant(db, key.tenantId);
  const generated = generateApiKey();
  const row = await db
    .insertInto('api_keys')
    .values({
      id: randomUUID(),
      scope: key.scope,
      tenant_id: key.tenantId ?? null,
      name: key.name?.trim() || null,
      hash: generated.hash,
      prefix: generated.displayPrefix,
    })
    .returning(['id', 'scope', 'tenant_id', 'name', 'prefix', 'created_at', 'revoked_at'])
    .executeTakeFirstOrThrow();
  return { key: toRecord(row), secret: generated.apiKey };
}

async function requireTenant(db: Kysely<ApiKeyTables>, tenantId: string): Promise<void> {
  const found = isUuid(tenantId) && (await db.selectFrom('tenants').select('id').where('id', '=', tenantId).executeTakeFirst());
  if (!found) throw new UnknownTenantError(`no tenant ${tenantId} (\`ledger tenants list\` shows them)`);
}

export function createApiKeyRepository(anyDb: AnyDb): ApiKeyRepository {
  const db = anyDb.withTables<ApiKeyTables>();
  return {
    issue: (key) => insertApiKey(anyDb, key),

    async list(filter = {}) {
      let query = db.selectFrom('api_keys').select(keyColumns);
      if (filter.tenantId !== undefined) {
        if (!isUuid(filter.tenantId)) return [];
        query = query.where('tenant_id', '=', filter.tenantId);
      }
      if (filter.scope !== undefined) query = query.where('scope', '=', filter.scope);
      const rows = await query.orderBy('api_keys.created_at').orderBy('api_keys.id').execute();
      return rows.map(toRecord);
    },

    async revoke(id, options) {
      if (!isUuid(id)) return { status: 'not_found' };
      return db.transaction().execute(async (trx) => {
        // Locks every admin key in use: two admins revoking each other at once cannot both succeed.
        const admins = await trx.selectFrom('api_keys').select('id').where('scope', '=', 'admin').where('revoked_at', 'is', null).forUpdate().execute();
        const row = await trx.selectFrom('api_keys').select(keyColumns).where('id', '=', id).forUpdate().executeTakeFirst();
        if (!row) return { status: 'not_found' } as const;
        if (row.revoked_at) return { status: 'revoked', key: toRecord(row) } as const;
        if (options.keepAnAdminKey && row.scope === 'admin' && admins.length <= 1) return { status: 'last_admin_key', key: toRecord(row) } as const;
        const revoked = await trx
          .updateTable('api_keys')
          .set({ revoked_at: sql<Date>`now()` })
          .where('id', '=', id)
          .returning(['id', 'scope', 'tenant_id', 'name', 'prefix', 'created_at', 'revoked_at'])
          .executeTakeFirstOrThrow();
        return { status: 'revoked', key: toRecord(revoked) } as const;
      });
    },

    async verify(presented) {
      const hash = hashApiKey(presented);
      const candidates = await db
        .selectFrom('api_keys')
        .leftJoin('tenants', 'tenants.id', 'api_keys.tenant_id')
        .select([...keyColumns, 'hash', 'tenants.name as tenant_name', 'tenants.created_at as tenant_created_at'])
        .where('prefix', '=', displayPrefix(presented))
        .execute();
      // Every candidate is compared, and one hash when there is none: the same work for an
      // unknown key as for a wrong one, whatever the position of the first differing byte.
      let match: (typeof candidates)[number] | undefined;
      for (const row of candidates) if (sameHash(row.hash, hash)) match = row;
      if (candidates.length === 0) sameHash(NO_KEY_HASH, hash);
      if (!match) return { status: 'unknown' };
      const key = toRecord(match);
      if (key.revokedAt) return { status: 'revoked', key };
      const tenant = match.tenant_id && match.tenant_created_at ? { id: match.tenant_id, name: match.tenant_name ?? '', createdAt: match.tenant_created_at } : null;
      return { status: 'valid', key, tenant };
    },
  };
}
