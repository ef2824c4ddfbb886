import { expect } from 'chai';
import vault from 'node-vault';
import { secretPath } from '../../../src/workers/process-manager/provisioning/provisioning-steps.ts';
import { provisioningStream } from '../../../src/workers/process-manager/provisioning/provisioning-stream.ts';
import { startCloudflareDouble, type CloudflareDouble } from '../../support/cloudflare-double/server.ts';
import { hostwindsAction, startHostwindsDouble, type HostwindsDouble } from '../../support/hostwinds-double/server.ts';
import { providerDoublesEnv } from '../../support/provider-doubles-env.ts';
import { startSmtpSink, type SmtpSink } from '../../support/smtp-sink/server.ts';
import type { TestLedger } from '../../support/test-ledger.ts';
import { testVault, type TestVault } from '../../support/vault.ts';
import { startProcessManagerLedger, startProvisioningHarness, type ProvisioningHarness } from './provisioning-harness.ts';

const READY_STEPS = ['order-server', 'wait-for-ip', 'dns', 'ssh-keys', 'email', 'mark-ready'];

describe('provisioning over HTTP (the real adapters against Hostwinds, Cloudflare, Vault and SMTP doubles)', function () {
  this.timeout(120_000);
  let hostwinds: HostwindsDouble;
  let cloudflare: CloudflareDouble;
  let secrets: TestVault;
  let smtp: SmtpSink;
  let t: TestLedger;
  let h: ProvisioningHarness | undefined;

  before(async () => {
    // A new server has no address for its first reads, as Hostwinds builds it.
    hostwinds = await startHostwindsDouble({ ipAfterPolls: 3 });
    cloudflare = await startCloudflareDouble();
    secrets = await testVault();
    smtp = await startSmtpSink();
    t = await startProcessManagerLedger(providerDoublesEnv({ hostwindsUrl: hostwinds.url, cloudflareUrl: cloudflare.url, vault: secrets, smtpUrl: smtp.url }));
  });
  after(async () => {
    await t?.close();
    await Promise.all([hostwinds?.stop(), cloudflare?.stop(), secrets?.stop(), smtp?.stop()]);
  });
  afterEach(async () => {
    await h?.close();
    h = undefined;
  });

  const reference = (tenantId: string) => `provisioning-${tenantId}`;
  const serversOf = (tenantId: string) => [...hostwinds.instances.values()].filter((i) => i.srvrname === reference(tenantId));
  const ordersOf = (tenantId: string) => hostwinds.actions().filter((a) => a.action === 'add_instance' && a.params.srvrname === reference(tenantId));
  const streamOf = (tenantId: string) => t.ledger.store.readStream(provisioningStream(tenantId));
  const started = async (options?: { ipWaitMs?: number }) => {
    h = await startProvisioningHarness(t, { ipWaitMs: 60_000, ...options });
    return h;
  };

  it('drives a paid checkout to ready through the real clients: one server, its A and PTR records, keys only in Vault, one email', async () => {
    const h = await started();
    expect({ vps: h.ports.vps.simulated, dns: h.ports.dns.simulated, secrets: h.ports.secrets.kind, mailer: h.ports.mailer.kind }).to.deep.equal({
      vps: false,
      dns: false,
      secrets: 'vault',
      mailer: 'smtp',
    });
    const { tenantId, apiKey } = await h.checkout();
    const hostname = `${tenantId}.tenants.example.com`;
    const status = await h.until(tenantId, (s) => s.status === 'ready');
    if (status.status !== 'ready') throw new Error(`not ready: ${JSON.stringify(status)}`);
    expect(status).to.deep.include({ hostname, sshUser: 'tenant', vaultPath: `secret/data/${secretPath(tenantId)}`, simulated: false });

    // Hostwinds: one order, one server, its address found by polling, its PTR set.
    expect(ordersOf(tenantId)).to.have.length(1);
    const [server, ...others] = serversOf(tenantId);
    expect(others).to.deep.equal([]);
    expect(server!.polls).to.be.at.least(3);
    expect(status.ip).to.equal(server!.main_ip);
    expect(Object.fromEntries(server!.rdns)).to.deep.equal({ [status.ip]: hostname });
    // Cloudflare: the A record.
    expect(cloudflare.addressesOf(hostname)).to.deep.equal([status.ip]);

    // Vault holds the private keys at the recorded path, read back with node-vault itself.
    const client = vault({ apiVersion: 'v1', endpoint: secrets.addr, token: secrets.token });
    const stored = ((await client.read(status.vaultPath)) as { data: { data: Record<string, string> } }).data.data;
    expect(stored.adminPrivateKey).to.match(/^-----BEGIN OPENSSH PRIVATE KEY-----\n/);
    expect(stored.tenantPrivateKey).to.match(/^-----BEGIN OPENSSH PRIVATE KEY-----\n/);
    expect({ admin: stored.adminPublicKey, tenant: stored.tenantPublicKey }).to.deep.equal(status.publicKeys);
    expect(status.publicKeys.tenant).to.match(/^ssh-ed25519 \S+ tenant@/);

    // The log and the API carry the path and public keys, never a private key.
    const events = await streamOf(tenantId);
    const done = events.filter((e) => e.type === 'ProvisioningStepDone').map((e) => e.data as { step: string; simulated: boolean; result: Record<string, unknown> });
    expect(done.map((d) => d.step)).to.deep.equal(READY_STEPS);
    expect(done.filter((d) => d.simulated)).to.deep.equal([]);
    const ready = events.filter((e) => e.type === 'ProvisioningReady');
    expect(ready).to.have.length(1);
    expect(ready[0]!.data).to.deep.include({ vaultPath: status.vaultPath, simulated: false });
    const api = await t.get('/api/v1/infrastructure', apiKey);
    expect(api.status).to.equal(200);
    expect(api.json).to.deep.include({ status: 'ready', ip: status.ip, vault_path: status.vaultPath, simulated: false });
    const privateBodies = [stored.adminPrivateKey!, stored.tenantPrivateKey!].map((key) => key.split('\n')[1]!);
    for (const text of [JSON.stringify(events.map((e) => e.data)), JSON.stringify(api.json)]) {
      expect(text).not.to.match(/PRIVATE KEY/);
      for (const body of privateBodies) expect(text).not.to.include(body);
    }

    // The SMTP sink got the ready email once, under the Message-ID the email step recorded.
    const messageId = done.find((d) => d.step === 'email')!.result.messageId as string;
    const mails = smtp.received.filter((m) => m.header('Message-ID')?.includes(messageId.replace(/^<|>$/g, '')));
    expect(mails).to.have.length(1);
    expect(mails[0]!.to).to.deep.equal(['example@example.com']);
    expect(mails[0]!.header('Subject')).to.equal('Your infrastructure is ready');
  });

  it('a 500 from Hostwinds on the first order attempt and an address that comes after some polls: still one server, ready', async () => {
    const h = await started();
    // The order step's first request (the look-up for an earlier order) fails; the retry orders.
    hostwinds.fail({ kind: 'status', status: 500, body: 'Internal Server Error' }, { times: 1, matching: hostwindsAction('get_instance_ids') });
    const { tenantId } = await h.checkout();
    const status = await h.until(tenantId, (s) => s.status === 'ready');
    expect(status).to.deep.include({ status: 'ready', simulated: false });
    const failed = (await streamOf(tenantId)).filter((e) => e.type === 'ProvisioningStepFailed').map((e) => e.data as { step: string; error: string });
    expect(failed.map((f) => f.step)).to.deep.equal(['order-server']);
    expect(failed[0]!.error).to.match(/HTTP 500/);
    expect(ordersOf(tenantId)).to.have.length(1);
    expect(serversOf(tenantId)).to.have.length(1);
    expect(serversOf(tenantId)[0]!.polls).to.be.at.least(3);
    expect(h.alerts).to.deep.equal([]);
  });
});
