import { randomUUID } from 'node:crypto';
import type { Generated } from 'kysely';
import type { AnyDb } from './database.ts';
import { generateApiKey, hashApiKey } from '../../domain/tenants/api-key.ts';
import { isUuid } from '../../domain/ids.ts';
import { OperatorError } from '../../domain/operator-error.ts';

type TenantsTable = {
  tenants: { id: string; name: string; api_key_hash: string; api_key_prefix: string; created_at: Generated<Date> };
};

export interface Tenant {
  readonly id: string;
  readonly name: string;
  readonly apiKeyPrefix: string;
  readonly createdAt: Date;
}

export interface TenantRepository {
  /** Returns the tenant and its API key; the key is shown once and only its hash is kept. */
  create(name: string): Promise<{ tenant: Tenant; apiKey: string }>;
  list(): Promise<Tenant[]>;
  findByApiKey(apiKey: string): Promise<Tenant | null>;
  exists(tenantId: string): Promise<boolean>;
}


export function createTenantRepository(anyDb: AnyDb): TenantRepository {
  const db = anyDb.withTables<TenantsTable>();
  const columns = ['id', 'name', 'api_key_prefix', 'created_at'] as const;
  const toTenant = (row: { id: string; name: string; api_key_prefix: string; created_at: Date }): Tenant => ({
    id: row.id,
    name: row.name,
    apiKeyPrefix: row.api_key_prefix,
    createdAt: row.created_at,
  });
  return {
    async create(name) {
      const trimmed = name.trim();
      if (!trimmed) throw new OperatorError('a tenant needs a non-empty name');
      const key = generateApiKey();
      const row = await db
        .insertInto('tenants')
        .values({ id: randomUUID(), name: trimmed, api_key_hash: key.hash, api_key_prefix: key.displayPrefix })
        .returning(columns)
        .executeTakeFirstOrThrow();
      return { tenant: toTenant(row), apiKey: key.apiKey };
    },
    async list() {
      const rows = await db.selectFrom('tenants').select(columns).orderBy('created_at').orderBy('id').execute();
      return rows.map(toTenant);
    },
    async findByApiKey(apiKey) {
      const row = await db.selectFrom('tenants').select(columns).where('api_key_hash', '=', hashApiKey(apiKey)).executeTakeFirst();
      return row ? toTenant(row) : null;
    },
    async exists(tenantId) {
      if (!isUuid(tenantId)) return false;
      const row = await db.selectFrom('tenants').select('id').where('id', '=', tenantId).executeTakeFirst();
      return row !== undefined;
    },
  };
}
