import { randomUUID } from 'node:crypto';
import type { Generated } from 'kysely';
import type { AnyDb } from './database.ts';
import { insertApiKey, type ApiKeyRecord } from './api-key-repository.ts';
import { isUuid } from '../../domain/ids.ts';
import { OperatorError } from '../../domain/operator-error.ts';

type TenantsTable = {
  tenants: { id: string; name: string; created_at: Generated<Date> };
};

export interface Tenant {
  readonly id: string;
  readonly name: string;
  readonly createdAt: Date;
}

export interface TenantRepository {
  /** Returns the tenant and its first tenant key; the key is shown once and only its hash is kept. */
  create(name: string): Promise<{ tenant: Tenant; apiKey: string; key: ApiKeyRecord }>;
  list(): Promise<Tenant[]>;
  exists(tenantId: string): Promise<boolean>;
}

export function createTenantRepository(anyDb: AnyDb): TenantRepository {
  const db = anyDb.withTables<TenantsTable>();
  const columns = ['id', 'name', 'created_at'] as const;
  const toTenant = (row: { id: string; name: string; created_at: Date }): Tenant => ({ id: row.id, name: row.name, createdAt: row.created_at });
  return {
    async create(name) {
      const trimmed = name.trim();
      if (!trimmed) throw new OperatorError('a tenant needs a non-empty name');
      return anyDb.transaction().execute(async (trx) => {
        const row = await trx.withTables<TenantsTable>().insertInto('tenants').values({ id: randomUUID(), name: trimmed }).returning(columns).executeTakeFirstOrThrow();
        const first = await insertApiKey(trx, { scope: 'tenant', tenantId: row.id, name: 'first key' });
        return { tenant: toTenant(row), apiKey: first.secret, key: first.key };
      });
    },
    async list() {
      const rows = await db.selectFrom('tenants').select(columns).orderBy('created_at').orderBy('id').execute();
      return rows.map(toTenant);
    },
    async exists(tenantId) {
      if (!isUuid(tenantId)) return false;
      const row = await db.selectFrom('tenants').select('id').where('id', '=', tenantId).executeTakeFirst();
      return row !== undefined;
    },
  };
}
