import { sql, type Kysely } from 'kysely';
import type { Migration } from 'kysely/migration';

export const apiKeys: Migration = {
  // eslint-disable-next-line @typescript-eslint/no-explicit-any
  async up(db: Kysely<any>) {
    // Any number of keys, each with one scope; only tenant keys name a tenant. A key is found by
    // its display prefix (not secret, not unique: keys issued before this table had no other
    // non-secret part), then its hash compared in constant time.
    await db.schema
      .createTable('api_keys')
      .addColumn('id', 'uuid', (c) => c.primaryKey())
      .addColumn('scope', 'text', (c) => c.notNull().check(sql`scope in ('tenant', 'finance', 'admin')`))
      .addColumn('tenant_id', 'uuid', (c) => c.references('tenants.id'))
      .addColumn('name', 'text')
      .addColumn('hash', 'text', (c) => c.notNull().unique())
      .addColumn('prefix', 'text', (c) => c.notNull())
      .addColumn('created_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
      .addColumn('revoked_at', 'timestamptz')
      .addCheckConstraint('api_keys_tenant_keys_name_a_tenant', sql`(scope = 'tenant') = (tenant_id is not null)`)
      .execute();
    await db.schema.createIndex('api_keys_prefix').on('api_keys').column('prefix').execute();
    await db.schema.createIndex('api_keys_tenant_id').on('api_keys').column('tenant_id').execute();
    // Every tenant's key keeps working, as that tenant's first tenant key.
    await sql`
      insert into api_keys (id, scope, tenant_id, name, hash, prefix, created_at)
      select gen_random_uuid(), 'tenant', id, 'first key', api_key_hash, api_key_prefix, created_at from tenants
    `.execute(db);
    // No longer read or written: kept (nullable) so that this migration loses nothing; a later
    // one can drop them.
    await db.schema.alterTable('tenants').alterColumn('api_key_hash', (c) => c.dropNotNull()).execute();
    await db.schema.alterTable('tenants').alterColumn('api_key_prefix', (c) => c.dropNotNull()).execute();
  },
};
