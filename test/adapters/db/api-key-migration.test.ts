import { expect } from 'chai';
import { randomUUID } from 'node:crypto';
import { migrateDatabase } from '../../../adapters/db/migrate.ts';
import { generateApiKey } from '../../../domain/tenants/api-key.ts';
import { startTestLedger, type TestLedger } from '../../support/test-ledger.ts';

describe('migration 008-api-keys', function () {
  this.timeout(60_000);
  const tenantId = randomUUID();
  const old = generateApiKey();
  let t: TestLedger;

  before(async () => {
    // A database at the release before key scopes, with a tenant and its key stored as it stored them.
    t = await startTestLedger({}, {
      prepare: async (database) => {
        await migrateDatabase(database.db, { upTo: '007-event-log' });
        await database.pool.query('insert into tenants (id, name, api_key_hash, api_key_prefix) values ($1, $2, $3, $4)', [tenantId, 'Old Co', old.hash, old.displayPrefix]);
      },
    });
  });
  after(() => t?.close());

  it("keeps the tenant's key working, as its first tenant key, revocable like any other", async () => {
    expect((await t.get('/api/v1/billing/subscription', old.apiKey)).status).to.equal(200);
    const [key, ...others] = await t.ledger.apiKeys.list({ tenantId });
    expect(others).to.deep.equal([]);
    expect(key).to.include({ scope: 'tenant', tenantId, prefix: old.displayPrefix, revokedAt: null });
    await t.ledger.apiKeys.revoke(key!.id, { keepAnAdminKey: true });
    expect((await t.get('/api/v1/billing/subscription', old.apiKey)).status).to.equal(401);
  });
});
