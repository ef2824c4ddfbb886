import { expect } from 'chai';
import { createApiKeyRepository, UnknownTenantError, type ApiKeyRepository } from '../../../adapters/db/api-key-repository.ts';
import { migrateDatabase } from '../../../adapters/db/migrate.ts';
import { createTenantRepository, type TenantRepository } from '../../../adapters/db/tenant-repository.ts';
import { generateApiKey, hashApiKey, sameHash } from '../../../domain/tenants/api-key.ts';
import { OperatorError } from '../../../domain/operator-error.ts';
import { freshDatabase, type TestDatabase } from '../../support/database.ts';

describe('API key repository', function () {
  this.timeout(60_000);
  let database: TestDatabase;
  let keys: ApiKeyRepository;
  let tenants: TenantRepository;

  before(async () => {
    database = await freshDatabase();
    await migrateDatabase(database.db);
    keys = createApiKeyRepository(database.db);
    tenants = createTenantRepository(database.db);
  });
  after(() => database?.close());

  it('verifies a key by its prefix and hash, and tells a revoked key from an unknown one', async () => {
    const { tenant, apiKey, key } = await tenants.create('Acme');
    const valid = await keys.verify(apiKey);
    expect(valid).to.deep.include({ status: 'valid', key });
    expect(valid.status === 'valid' && valid.tenant).to.deep.equal(tenant);
    expect((await keys.verify(generateApiKey().apiKey)).status).to.equal('unknown');
    expect((await keys.verify('')).status).to.equal('unknown');
    await keys.revoke(key.id, { keepAnAdminKey: false });
    expect(await keys.verify(apiKey)).to.deep.include({ status: 'revoked' });
  });

  it('compares every key sharing a prefix, so a prefix shared by chance finds the right key', async () => {
    const { key, secret } = await keys.issue({ scope: 'finance', name: 'books' });
    // A second key with the same display prefix (possible by chance, and for keys migrated from tenants).
    const twin = generateApiKey();
    const twinSecret = `${secret.slice(0, 9)}${twin.apiKey.slice(9)}`;
    await database.pool.query(`insert into api_keys (id, scope, hash, prefix) values (gen_random_uuid(), 'admin', $1, $2)`, [hashApiKey(twinSecret), secret.slice(0, 9)]);
    const first = await keys.verify(secret);
    const second = await keys.verify(twinSecret);
    expect(first.status === 'valid' && first.key.id).to.equal(key.id);
    expect(second.status === 'valid' && second.key.scope).to.equal('admin');
  });

  it('compares hashes only as whole 32-byte digests', () => {
    const a = generateApiKey().hash;
    expect(sameHash(a, a)).to.equal(true);
    expect(sameHash(a, generateApiKey().hash)).to.equal(false);
    expect(sameHash(a, a.slice(0, 62))).to.equal(false);
    expect(sameHash('', '')).to.equal(false);
  });

  it('keeps tenant keys for tenants, and other scopes for no tenant', async () => {
    const { tenant } = await tenants.create('Globex');
    await expectRejection(keys.issue({ scope: 'tenant' }), OperatorError, 'a tenant key needs a tenant id');
    await expectRejection(keys.issue({ scope: 'admin', tenantId: tenant.id }), OperatorError, 'an admin key belongs to no tenant');
    await expectRejection(keys.issue({ scope: 'tenant', tenantId: '00000000-0000-4000-8000-000000000000' }), UnknownTenantError, 'no tenant');
    await expectRejection(keys.issue({ scope: 'tenant', tenantId: 'globex' }), UnknownTenantError, 'no tenant globex');
    const { key } = await keys.issue({ scope: 'tenant', tenantId: tenant.id, name: '  ci  ' });
    expect(key).to.include({ scope: 'tenant', tenantId: tenant.id, name: 'ci', revokedAt: null });
    expect((await keys.list({ tenantId: tenant.id })).map((k) => k.name)).to.deep.equal(['first key', 'ci']);
    expect(await keys.list({ tenantId: 'not-a-uuid' })).to.deep.equal([]);
  });

  it('refuses to revoke the last admin key only when asked to keep one', async () => {
    // From no admin key in use, whatever other tests left.
    for (const admin of await keys.list({ scope: 'admin' })) await keys.revoke(admin.id, { keepAnAdminKey: false });
    const a = (await keys.issue({ scope: 'admin' })).key;
    const b = (await keys.issue({ scope: 'admin' })).key;
    expect((await keys.revoke(a.id, { keepAnAdminKey: true })).status).to.equal('revoked');
    expect((await keys.revoke(b.id, { keepAnAdminKey: true })).status).to.equal('last_admin_key');
    // Revoking a revoked key is no change, even under the rule.
    const again = await keys.revoke(a.id, { keepAnAdminKey: true });
    expect(again.status === 'revoked' && again.key.revokedAt).to.be.an.instanceOf(Date);
    // The CLI may: it can always issue another.
    expect((await keys.revoke(b.id, { keepAnAdminKey: false })).status).to.equal('revoked');
    expect((await keys.revoke('00000000-0000-4000-8000-000000000000', { keepAnAdminKey: true })).status).to.equal('not_found');
    expect((await keys.revoke('nope', { keepAnAdminKey: true })).status).to.equal('not_found');
  });
});

async function expectRejection(promise: Promise<unknown>, type: new (...args: never[]) => Error, words: string): Promise<void> {
  const error = await promise.then(
    () => null,
    (e: unknown) => e,
  );
  expect(error).to.be.an.instanceOf(type);
  expect((error as Error).message).to.include(words);
}
