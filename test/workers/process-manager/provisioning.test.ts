import { expect } from 'chai';
import { listOutbox } from '../../../adapters/email/outbox-mailer.ts';
import { secretPath } from '../../../src/workers/process-manager/provisioning/provisioning-steps.ts';
import { provisioningStream } from '../../../src/workers/process-manager/provisioning/provisioning-stream.ts';
import { requestProvisioningRetry } from '../../../src/workers/process-manager/provisioning/request-retry.ts';
import type { TestLedger } from '../../support/test-ledger.ts';
import { startProcessManagerLedger, startProvisioningHarness, type ProvisioningHarness } from './provisioning-harness.ts';

describe('provisioning (process manager with the local stand-ins)', function () {
  this.timeout(120_000);
  let t: TestLedger;
  let h: ProvisioningHarness | undefined;
  before(async () => {
    t = await startProcessManagerLedger();
  });
  after(async () => {
    await t?.close();
  });
  afterEach(async () => {
    await h?.close();
    h = undefined;
  });

  const streamOf = async (tenantId: string) => h!.t.ledger.store.readStream(provisioningStream(tenantId));

  it('runs every step once from a paid checkout to ready; only the path and public keys reach the log', async () => {
    h = await startProvisioningHarness(t);
    const { tenantId } = await h.checkout();
    const status = await h.until(tenantId, (s) => s.status === 'ready');
    expect(status).to.deep.include({ status: 'ready', sshUser: 'tenant', vaultPath: secretPath(tenantId), simulated: true, hostname: `${tenantId}.tenants.example.com` });
    if (status.status !== 'ready') return;
    expect(status.ip).to.match(/^(192\.0\.2|198\.51\.100|203\.0\.113)\.\d+$/);
    expect(status.publicKeys.admin).to.match(/^ssh-ed25519 \S+ admin@/);
    expect(status.publicKeys.tenant).to.match(/^ssh-ed25519 \S+ tenant@/);

    const events = await streamOf(tenantId);
    expect(events.map((e) => e.type)).to.deep.equal([
      'ProvisioningStarted',
      ...['order-server', 'wait-for-ip', 'dns', 'ssh-keys', 'email', 'mark-ready'].flatMap(() => ['ProvisioningStepStarted', 'ProvisioningStepDone']),
      'ProvisioningReady',
    ]);
    // The order id is recorded by the step before the one that waits for the IP.
    expect(events[2]!.data).to.deep.include({ step: 'order-server' });
    expect((events[2]!.data as { result: { orderId: string } }).result.orderId).to.be.a('string').with.length.greaterThan(0);
    for (const [i, event] of events.entries()) {
      expect(event.metadata.correlationId).to.equal(events[0]!.id);
      expect(event.metadata.causationId).to.be.a('string');
      if (i > 0) expect(event.metadata.causationId).to.equal(events[i - 1]!.id);
      expect(JSON.stringify(event.data)).not.to.match(/PRIVATE KEY/);
    }
    const stored = await h.ports.secrets.read(secretPath(tenantId));
    expect(stored?.adminPrivateKey).to.match(/BEGIN OPENSSH PRIVATE KEY/);
    expect(stored?.tenantPublicKey).to.equal(status.publicKeys.tenant);
    expect(h.calls.get('orderServer')).to.equal(1);
    expect(h.calls.get('write')).to.equal(1);
    const mail = await listOutbox(h.t.ledger.database.db, { tenantId });
    expect(mail).to.have.length(1);
    expect(mail[0]).to.include({ to: 'example@example.com', subject: 'Your infrastructure is ready' });
  });

  it('polls with backoff while the provider assigns the IP slowly, within the limit', async () => {
    h = await startProvisioningHarness(t, { ipAfterPolls: 4, ipWaitMs: 60_000 });
    const { tenantId } = await h.checkout();
    await h.until(tenantId, (s) => s.status === 'ready');
    expect(h.calls.get('getServer')).to.be.at.least(4);
    const waits = (await streamOf(tenantId)).filter((e) => e.type === 'ProvisioningStepStarted' && (e.data as { step: string }).step === 'wait-for-ip');
    expect(waits).to.have.length(1);
  });

  it('fails a try that sees no IP within PROVISIONING_IP_WAIT_MS, and the retry finds it: one server', async () => {
    h = await startProvisioningHarness(t, { ipAfterPolls: 6, ipWaitMs: 2_000 });
    const { tenantId } = await h.checkout();
    await h.until(tenantId, (s) => s.status === 'ready');
    const failed = (await streamOf(tenantId)).filter((e) => e.type === 'ProvisioningStepFailed');
    expect(failed.length).to.be.at.least(1);
    expect(failed[0]!.data).to.deep.include({ step: 'wait-for-ip' });
    expect((failed[0]!.data as { error: string }).error).to.match(/no public IP after 2000 ms/);
    expect(await h.servers(tenantId)).to.equal(1);
  });

  it('retries a provider failure with backoff and goes on once it answers: one server', async () => {
    h = await startProvisioningHarness(t);
    h.failNext('orderServer', 2);
    const { tenantId } = await h.checkout();
    await h.until(tenantId, (s) => s.status === 'ready');
    const failed = (await streamOf(tenantId)).filter((e) => e.type === 'ProvisioningStepFailed').map((e) => e.data as { step: string; retryAt: number; at: number });
    expect(failed.map((f) => f.step)).to.deep.equal(['order-server', 'order-server']);
    // Whole seconds: the doubled wait (1.5 s after 0.75 s here) may round to the same second.
    expect(failed[1]!.retryAt - failed[1]!.at).to.be.at.least(failed[0]!.retryAt - failed[0]!.at);
    expect(h.calls.get('orderServer')).to.equal(3);
    expect(await h.servers(tenantId)).to.equal(1);
    expect(h.alerts).to.deep.equal([]);
  });

  it('after 3 retries is delayed with an operator alert; a retry request resumes it from the failed step', async () => {
    h = await startProvisioningHarness(t);
    h.failNext('upsertARecord', 4);
    const { tenantId, apiKey } = await h.checkout();
    const delayed = await h.until(tenantId, (s) => s.status === 'delayed');
    expect(delayed).to.deep.include({ status: 'delayed', step: 'dns', message: "we're on it" });
    expect(h.alerts).to.have.length(1);
    expect(h.alerts[0]!.summary).to.match(/step dns failed 4 times/);
    const types = (await streamOf(tenantId)).map((e) => e.type);
    expect(types.filter((t) => t === 'ProvisioningStepFailed')).to.have.length(4);
    expect(types).to.include.members(['ProvisioningDelayed', 'OperatorAlertRaised']);
    const api = await h.t.get('/api/v1/infrastructure', apiKey);
    expect(api.status).to.equal(200);
    expect(api.json).to.deep.include({ status: 'delayed', step: 'dns', message: "we're on it" });
    expect(api.json.retry_at).to.be.a('string');

    await requestProvisioningRetry(h.t.ledger.store, tenantId, 'test', h.clock.now());
    await h.until(tenantId, (s) => s.status === 'ready', { stepMs: 100 });
    expect(h.calls.get('orderServer')).to.equal(1);
    expect(h.alerts).to.have.length(1);
  });

  it('a crash after the VPS was ordered and before the keys were recorded: the restart orders no second server and stores the keys once', async () => {
    h = await startProvisioningHarness(t);
    // Without the lease: a dead instance's lease dies with its connection, which a held call cannot show.
    await h.stopRunner();
    const crashed = h.startRunner({ withoutLease: true });
    const held = h.hold('write', 'after');
    const { tenantId } = await h.checkout();
    await held.reached; // keys stored; the instance dies before recording it
    h.startRunner({ withoutLease: true });
    const status = await h.until(tenantId, (s) => s.status === 'ready', { stepMs: 5_000 });
    held.release(new Error('killed'));
    await crashed.stop();
    expect(h.calls.get('orderServer')).to.equal(1);
    expect(h.calls.get('write')).to.equal(1);
    expect(await h.servers(tenantId)).to.equal(1);
    const stored = await h.ports.secrets.read(secretPath(tenantId));
    if (status.status !== 'ready') throw new Error('not ready');
    expect(stored?.tenantPublicKey).to.equal(status.publicKeys.tenant);
    expect(stored?.adminPublicKey).to.equal(status.publicKeys.admin);
    const done = (await streamOf(tenantId)).filter((e) => e.type === 'ProvisioningStepDone').map((e) => (e.data as { step: string }).step);
    expect(done).to.deep.equal(['order-server', 'wait-for-ip', 'dns', 'ssh-keys', 'email', 'mark-ready']);
  });

  it('a stalled instance and its successor both found no keys and both generated: the keys recorded are the ones stored', async () => {
    h = await startProvisioningHarness(t);
    await h.stopRunner();
    const stalled = h.startRunner({ withoutLease: true });
    const found = h.hold('read', 'after');
    const { tenantId } = await h.checkout();
    await found.reached; // it read the path empty, then stalled past its claim on the step
    h.startRunner({ withoutLease: true });
    const status = await h.until(tenantId, (s) => s.status === 'ready', { stepMs: 5_000 });
    if (status.status !== 'ready') throw new Error('not ready');
    const late = h.hold('write', 'after');
    found.release();
    await late.reached; // the stalled instance has stored (or tried to) what it generated
    late.release();
    await stalled.stop();
    expect(h.calls.get('write')).to.equal(2);
    const stored = await h.ports.secrets.read(secretPath(tenantId));
    expect(stored?.adminPublicKey).to.equal(status.publicKeys.admin);
    expect(stored?.tenantPublicKey).to.equal(status.publicKeys.tenant);
    const recorded = (await streamOf(tenantId)).filter((e) => e.type === 'ProvisioningStepDone' && (e.data as { step: string }).step === 'ssh-keys');
    expect(recorded).to.have.length(1);
  });

  it('a duplicate checkout.session.completed and a second checkout start one provisioning', async () => {
    h = await startProvisioningHarness(t);
    const { tenantId } = await h.checkout({ eventId: 'evt_pm_dup_1' });
    const again = await h.t.deliver(
      (await import('../../support/stripe-fixtures.ts')).fixtureEvent('current', 'checkout.session.completed', 'checkout.session', { client_reference_id: tenantId, customer: 'cus_0', payment_status: 'paid', metadata: { tenant_id: tenantId } }, { id: 'evt_pm_dup_1' }),
    );
    expect(again.json).to.include({ duplicate: true });
    await h.checkout({ tenantId, eventId: 'evt_pm_dup_2' });
    await h.until(tenantId, (s) => s.status === 'ready');
    const started = (await streamOf(tenantId)).filter((e) => e.type === 'ProvisioningStarted');
    expect(started).to.have.length(1);
    expect(h.calls.get('orderServer')).to.equal(1);
  });

  it('two instances that both believe they hold the lease record each step once', async () => {
    h = await startProvisioningHarness(t);
    await h.stopRunner();
    h.startRunner({ withoutLease: true });
    h.startRunner({ withoutLease: true });
    const { tenantId } = await h.checkout();
    await h.until(tenantId, (s) => s.status === 'ready');
    const events = await streamOf(tenantId);
    const done = events.filter((e) => e.type === 'ProvisioningStepDone').map((e) => (e.data as { step: string }).step);
    expect(done).to.deep.equal(['order-server', 'wait-for-ip', 'dns', 'ssh-keys', 'email', 'mark-ready']);
    expect(events.filter((e) => e.type === 'ProvisioningReady')).to.have.length(1);
    expect(h.calls.get('orderServer')).to.equal(1);
    expect(h.calls.get('write')).to.equal(1);
    expect(await h.servers(tenantId)).to.equal(1);
  });
});
