import { expect } from 'chai';
import { createApiKeyRepository } from '../../adapters/db/api-key-repository.ts';
import { startTestLedger, type TestLedger } from '../support/test-ledger.ts';

const errorOf = (res: { json: Record<string, unknown> }) => res.json.error as { code: string; message: string };

describe('API keys: authentication, scopes, revocation', function () {
  this.timeout(60_000);
  let t: TestLedger;
  const keys = { tenant: '', finance: '', admin: '' };
  let tenantKeyId = '';

  before(async () => {
    t = await startTestLedger();
    const created = await t.ledger.tenants.create('Acme');
    keys.tenant = created.apiKey;
    tenantKeyId = created.key.id;
    keys.finance = (await t.ledger.apiKeys.issue({ scope: 'finance', name: 'books' })).secret;
    keys.admin = (await t.ledger.apiKeys.issue({ scope: 'admin', name: 'ops' })).secret;
  });
  after(() => t?.close());

  const TENANT_ROUTE = '/api/v1/billing/subscription';
  const ADMIN_ROUTE = '/api/v1/admin/tenants';

  it('answers 401 without a key, with another scheme, and with an unknown key', async () => {
    const missing = await t.get(TENANT_ROUTE);
    expect(missing.status).to.equal(401);
    expect(errorOf(missing)).to.deep.equal({ code: 'unauthorized', message: 'send your API key as "Authorization: Bearer <apiKey>"' });
    const basic = await t.app.inject({ method: 'GET', url: ADMIN_ROUTE, headers: { authorization: `Basic ${keys.admin}` } });
    expect(basic.statusCode).to.equal(401);
    const unknown = await t.get(ADMIN_ROUTE, 'lk_not-a-key');
    expect(unknown.status).to.equal(401);
    expect(errorOf(unknown)).to.deep.equal({ code: 'unauthorized', message: 'unknown API key' });
  });

  it('answers a wrong key sharing a real key\'s prefix exactly as an unknown key (one path: prefix lookup, then a constant-time hash compare)', async () => {
    // Same shape and same stored prefix as the admin key, one character changed at the end.
    const last = keys.admin.at(-1) === 'A' ? 'B' : 'A';
    const wrong = await t.get(ADMIN_ROUTE, `${keys.admin.slice(0, -1)}${last}`);
    const unknown = await t.get(ADMIN_ROUTE, `lk_${'x'.repeat(43)}`);
    expect(wrong).to.deep.equal(unknown);
    expect(wrong.status).to.equal(401);
  });

  it('lets each scope in where it belongs and answers 403 naming the scope needed elsewhere', async () => {
    const matrix: [keyof typeof keys, string, number][] = [
      ['tenant', TENANT_ROUTE, 200],
      ['tenant', ADMIN_ROUTE, 403],
      ['finance', TENANT_ROUTE, 403],
      ['finance', ADMIN_ROUTE, 403],
      // An admin key has no tenant, so no tenant's billing to show: a tenant key is needed.
      ['admin', TENANT_ROUTE, 403],
      ['admin', ADMIN_ROUTE, 200],
    ];
    for (const [scope, route, status] of matrix) {
      const res = await t.get(route, keys[scope]);
      expect(res.status, `${scope} key on ${route}: ${JSON.stringify(res.json)}`).to.equal(status);
      if (status === 403) {
        const needed = route === ADMIN_ROUTE ? 'admin' : 'tenant';
        expect(errorOf(res)).to.deep.equal({ code: 'forbidden', message: `this endpoint needs a key with the ${needed} scope; this key has the ${scope} scope` });
      }
    }
  });

  it('refuses a revoked key from the very next request, whichever instance revoked it', async () => {
    const { key, secret } = await t.ledger.apiKeys.issue({ scope: 'tenant', tenantId: (await t.ledger.tenants.list())[0]!.id });
    expect((await t.get(TENANT_ROUTE, secret)).status).to.equal(200);
    // Another process's repository on the same database, as a second instance or the CLI would be.
    const elsewhere = createApiKeyRepository(t.database.db);
    expect((await elsewhere.revoke(key.id, { keepAnAdminKey: true })).status).to.equal('revoked');
    const refused = await t.get(TENANT_ROUTE, secret);
    expect(refused.status).to.equal(401);
    expect(errorOf(refused)).to.deep.equal({ code: 'unauthorized', message: 'this API key has been revoked' });
    // The tenant's other key is untouched.
    expect((await t.get(TENANT_ROUTE, keys.tenant)).status).to.equal(200);
  });

  it('stores keys hashed, never in clear', async () => {
    const { rows } = await t.database.pool.query('select * from api_keys');
    const stored = JSON.stringify(rows);
    for (const key of Object.values(keys)) expect(stored).not.to.include(key);
    expect(rows.every((r: { hash: string }) => /^[0-9a-f]{64}$/.test(r.hash))).to.equal(true);
    expect(rows.find((r: { id: string }) => r.id === tenantKeyId).prefix).to.equal(keys.tenant.slice(0, 9));
  });
});
