import { expect } from 'chai';
import type { TestLedger } from '../support/test-ledger.ts';
import { startProcessManagerLedger, startProvisioningHarness, type ProvisioningHarness } from '../workers/process-manager/provisioning-harness.ts';

describe('GET /api/v1/infrastructure', function () {
  this.timeout(120_000);
  let t: TestLedger;
  let h: ProvisioningHarness;
  before(async () => {
    t = await startProcessManagerLedger();
    h = await startProvisioningHarness(t);
  });
  after(async () => {
    await h?.close();
    await t?.close();
  });

  it('needs a tenant key', async () => {
    expect((await t.get('/api/v1/infrastructure')).status).to.equal(401);
  });

  it('answers 404 not_started before the first payment', async () => {
    const { apiKey } = await t.ledger.tenants.create('No payment yet');
    const answer = await t.get('/api/v1/infrastructure', apiKey);
    expect(answer.status).to.equal(404);
    expect(answer.json).to.deep.equal({ error: { code: 'not_started', message: 'provisioning has not started: it starts after the first successful payment' } });
  });

  it('shows provisioning with its step, then ready with how to reach the server, labelled simulated', async () => {
    const held = h.hold('orderServer', 'before');
    const { tenantId, apiKey } = await h.checkout();
    await held.reached;
    const during = await t.get('/api/v1/infrastructure', apiKey);
    expect(during.status).to.equal(200);
    expect(during.json).to.deep.equal({ status: 'provisioning', hostname: `${tenantId}.tenants.example.com`, step: 'order-server', retry_at: null, steps_done: [], simulated: false });
    held.release();
    await h.until(tenantId, (s) => s.status === 'ready');
    const ready = await t.get('/api/v1/infrastructure', apiKey);
    expect(ready.status).to.equal(200);
    expect(ready.json).to.include({ status: 'ready', hostname: `${tenantId}.tenants.example.com`, ssh_user: 'tenant', vault_path: `tenants/${tenantId}/ssh`, simulated: true });
    expect(ready.json.ip).to.be.a('string');
    expect(ready.json.public_keys).to.have.keys(['admin', 'tenant']);
    expect(ready.json.ready_at).to.be.a('string');
    expect(JSON.stringify(ready.json)).not.to.match(/PRIVATE/);
  });

  it("shows delayed, \"we're on it\", with when it retries", async () => {
    h.failNext('orderServer', 4);
    const { tenantId, apiKey } = await h.checkout();
    await h.until(tenantId, (s) => s.status === 'delayed');
    const answer = await t.get('/api/v1/infrastructure', apiKey);
    expect(answer.status).to.equal(200);
    expect(answer.json).to.include({ status: 'delayed', step: 'order-server', message: "we're on it", simulated: false });
    expect(new Date(answer.json.retry_at as string).getTime()).to.be.greaterThan(h.clock.now().getTime());
  });
});
