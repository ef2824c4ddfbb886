import { expect } from 'chai';
import { startTestLedger, type TestLedger } from '../support/test-ledger.ts';

const errorOf = (res: { json: Record<string, unknown> }) => res.json.error as { code: string; message: string };

interface KeyJson {
  id: string;
  scope: string;
  tenant_id: string | null;
  name: string | null;
  prefix: string;
  created_at: string;
  revoked_at: string | null;
}

describe('admin API', function () {
  this.timeout(60_000);
  let t: TestLedger;
  let admin = '';

  before(async () => {
    t = await startTestLedger();
    admin = (await t.ledger.apiKeys.issue({ scope: 'admin', name: 'first admin' })).secret;
  });
  after(() => t?.close());

  /** A tenant made through the API, with its first key. */
  const newTenant = async (name: string) => {
    const res = await t.post('/api/v1/admin/tenants', { name }, admin);
    expect(res.status, JSON.stringify(res.json)).to.equal(201);
    return res.json as { tenant: { id: string; name: string }; api_key: string; key: KeyJson };
  };

  describe('tenants', () => {
    it('creates a tenant with its first tenant key, shown once, which works at once', async () => {
      const created = await newTenant('  Initech  ');
      expect(created.tenant.name).to.equal('Initech');
      expect(created.api_key).to.match(/^lk_[A-Za-z0-9_-]{43}$/);
      expect(created.key).to.include({ scope: 'tenant', tenant_id: created.tenant.id, prefix: created.api_key.slice(0, 9), revoked_at: null });
      expect((await t.get('/api/v1/billing/subscription', created.api_key)).status).to.equal(200);
      const list = await t.get('/api/v1/admin/tenants', admin);
      expect(list.status).to.equal(200);
      expect((list.json.tenants as { id: string }[]).map((x) => x.id)).to.include(created.tenant.id);
      expect(JSON.stringify(list.json)).not.to.include(created.api_key);
    });

    it('answers 400 naming the field for a missing or blank name, or an unknown field', async () => {
      for (const [body, words] of [
        [{}, 'name'],
        [{ name: '   ' }, 'name'],
        [{ name: 'X', plan: 'pro' }, 'unknown field: plan'],
      ] as const) {
        const res = await t.post('/api/v1/admin/tenants', body, admin);
        expect(res.status, JSON.stringify(body)).to.equal(400);
        expect(errorOf(res).code).to.equal('invalid_parameter');
        expect(errorOf(res).message).to.include(words);
      }
    });
  });

  describe('keys', () => {
    it('issues keys of each scope, shows the secret only when issued, lists them by tenant and scope', async () => {
      const { tenant } = await newTenant('Hooli');
      const issued: { api_key: string; key: KeyJson }[] = [];
      for (const body of [{ scope: 'tenant', tenant_id: tenant.id, name: 'server' }, { scope: 'finance', name: 'books' }]) {
        const res = await t.post('/api/v1/admin/keys', body, admin);
        expect(res.status, JSON.stringify(res.json)).to.equal(201);
        issued.push(res.json as { api_key: string; key: KeyJson });
      }
      expect(issued[0]!.key).to.include({ scope: 'tenant', tenant_id: tenant.id, name: 'server' });
      expect(issued[1]!.key).to.include({ scope: 'finance', tenant_id: null, name: 'books' });

      const tenantKeys = await t.get(`/api/v1/admin/keys?tenant_id=${tenant.id}`, admin);
      expect(tenantKeys.status).to.equal(200);
      const listed = tenantKeys.json.keys as KeyJson[];
      expect(listed.map((k) => k.name)).to.deep.equal(['first key', 'server']);
      const finance = (await t.get('/api/v1/admin/keys?scope=finance', admin)).json.keys as KeyJson[];
      expect(finance.map((k) => k.id)).to.include(issued[1]!.key.id);
      expect(finance.every((k) => k.scope === 'finance')).to.equal(true);

      const everything = JSON.stringify((await t.get('/api/v1/admin/keys', admin)).json);
      for (const { api_key } of issued) expect(everything).not.to.include(api_key);
      expect(everything).not.to.include('hash');
    });

    it('answers 400 naming the field for a scope and tenant that do not fit', async () => {
      const { tenant } = await newTenant('Umbrella');
      const cases: [Record<string, unknown>, string][] = [
        [{ scope: 'tenant' }, 'tenant_id'],
        [{ scope: 'finance', tenant_id: tenant.id }, 'tenant_id'],
        [{ scope: 'root' }, 'scope'],
        [{ scope: 'tenant', tenant_id: 'acme' }, 'tenant_id'],
        [{ scope: 'tenant', tenant_id: '00000000-0000-4000-8000-000000000000' }, 'no tenant 00000000-0000-4000-8000-000000000000'],
      ];
      for (const [body, words] of cases) {
        const res = await t.post('/api/v1/admin/keys', body, admin);
        expect(res.status, JSON.stringify(body)).to.equal(400);
        expect(errorOf(res).message, JSON.stringify(body)).to.include(words);
      }
      const badFilter = await t.get('/api/v1/admin/keys?scope=everything', admin);
      expect(badFilter.status).to.equal(400);
      expect(errorOf(badFilter).message).to.include('query parameter scope');
    });

    it('revokes a key at once; revoking it again changes nothing; an unknown id is 404', async () => {
      const { key, api_key } = await newTenant('Soylent');
      const revoked = await t.del(`/api/v1/admin/keys/${key.id}`, admin);
      expect(revoked.status).to.equal(200);
      const first = (revoked.json.key as KeyJson).revoked_at;
      expect(first).to.be.a('string');
      expect((await t.get('/api/v1/billing/subscription', api_key)).status).to.equal(401);
      const again = await t.del(`/api/v1/admin/keys/${key.id}`, admin);
      expect((again.json.key as KeyJson).revoked_at).to.equal(first);
      expect((await t.del('/api/v1/admin/keys/00000000-0000-4000-8000-000000000000', admin)).status).to.equal(404);
      const notAnId = await t.del('/api/v1/admin/keys/abc', admin);
      expect(notAnId.status).to.equal(400);
      expect(errorOf(notAnId).message).to.include('path parameter id');
    });

    it('refuses to revoke the last admin key in use (409), and lets an admin revoke its own key when another exists', async () => {
      // This suite's ledger: a second admin, then every admin key but one revoked.
      const second = (await t.post('/api/v1/admin/keys', { scope: 'admin', name: 'second' }, admin)).json as { api_key: string; key: KeyJson };
      const admins = (await t.get('/api/v1/admin/keys?scope=admin', second.api_key)).json.keys as KeyJson[];
      const firstAdmin = admins.find((k) => k.name === 'first admin')!;
      // Revoking its own key: allowed, another admin key exists; the key stops working at once.
      expect((await t.del(`/api/v1/admin/keys/${firstAdmin.id}`, admin)).status).to.equal(200);
      expect((await t.get('/api/v1/admin/keys', admin)).status).to.equal(401);
      const last = await t.del(`/api/v1/admin/keys/${second.key.id}`, second.api_key);
      expect(last.status).to.equal(409);
      expect(errorOf(last).code).to.equal('last_admin_key');
      expect(errorOf(last).message).to.include('issue another admin key first');
      expect((await t.get('/api/v1/admin/keys', second.api_key)).status).to.equal(200);
      admin = second.api_key;
    });
  });

  it('is in the OpenAPI document: every admin route with the bearer scheme, bodies and the error shape', async () => {
    const doc = (await t.get('/openapi.json')).json as { paths: Record<string, Record<string, Record<string, unknown>>> };
    const routes = [
      ['post', '/api/v1/admin/tenants'],
      ['get', '/api/v1/admin/tenants'],
      ['post', '/api/v1/admin/keys'],
      ['get', '/api/v1/admin/keys'],
      ['delete', '/api/v1/admin/keys/{id}'],
    ] as const;
    for (const [method, path] of routes) {
      const operation = doc.paths[path]?.[method];
      expect(operation, `${method} ${path}`).to.be.an('object');
      expect(operation!.security).to.deep.equal([{ apiKey: [] }]);
      expect(operation).to.have.nested.property('responses.403');
    }
    expect(doc.paths['/api/v1/admin/keys']!.post).to.have.nested.property('requestBody.content.application/json.schema.properties.scope.enum').that.deep.equals(['tenant', 'finance', 'admin']);
    expect(doc.paths['/api/v1/admin/keys/{id}']!.delete).to.have.nested.property('responses.409');
  });
});
