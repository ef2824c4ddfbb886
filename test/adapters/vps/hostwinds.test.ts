import { expect } from 'chai';
import { createHostwindsVps, type HostwindsOptions } from '../../../adapters/vps/hostwinds.ts';
import { suiteMigratedDatabase } from '../../support/migrated-database.ts';
import { HOSTWINDS_DOUBLE_KEY, hostwindsAction, hostwindsRefusal, startHostwindsDouble, type HostwindsDouble } from '../../support/hostwinds-double/server.ts';
import { caught } from '../../support/caught.ts';

describe('Hostwinds VPS provider (against its double)', function () {
  this.timeout(60_000);
  let double: HostwindsDouble;
  const database = suiteMigratedDatabase();

  // Each test's double starts with no servers: so must the order marks.
  beforeEach(() => database().db.withTables<{ vps_orders: { reference: string } }>().deleteFrom('vps_orders').execute());

  afterEach(() => double?.stop());

  const provider = (overrides: Partial<HostwindsOptions> = {}) =>
    createHostwindsVps({ apiUrl: double.url, apiKey: HOSTWINDS_DOUBLE_KEY, locationId: '2', planId: '151', image: 'ubuntu-24.04', timeoutMs: 5000, listingDelayMs: 10, db: database().db, ...overrides });


  it('orders a server named by the reference, with the configured plan, image and location', async () => {
    double = await startHostwindsDouble();
    const server = await provider().orderServer({ reference: 'provisioning-t1', hostname: 't1.example.com' });
    expect(server.orderId).to.match(/^\d+$/);
    expect(server.serverId).to.equal(server.orderId);
    const order = double.actions().find((a) => a.action === 'add_instance')!;
    expect(order.params).to.include({ srvrname: 'provisioning-t1', rid: '151', template: 'ubuntu-24.04', location_id: '2', qty: '1' });
    expect(double.requests.every((r) => r.headers['content-type'] === 'application/x-www-form-urlencoded')).to.equal(true);
  });

  it('never orders a second server under the same reference: a retry finds the first', async () => {
    double = await startHostwindsDouble();
    const first = await provider().orderServer({ reference: 'provisioning-t2', hostname: 't2.example.com' });
    const again = await provider().orderServer({ reference: 'provisioning-t2', hostname: 't2.example.com' });
    expect(again.orderId).to.equal(first.orderId);
    expect(double.instances.size).to.equal(1);
    expect(double.actions().filter((a) => a.action === 'add_instance')).to.have.length(1);
  });

  it('an order the provider does not list yet is a retryable failure, and retries order nothing more', async () => {
    double = await startHostwindsDouble({ listingLag: 5 });
    const vps = provider({ listingAttempts: 2 });
    const order = { reference: 'provisioning-lag', hostname: 'lag.example.com' };
    expect(await caught(() => vps.orderServer(order))).to.include({ name: 'HostwindsError', retryable: true });
    // Still not listed on the retry: it waits for the first order instead of placing another.
    expect(await caught(() => vps.orderServer(order))).to.include({ retryable: true });
    const server = await vps.orderServer(order);
    expect(server.orderId).to.match(/^\d+$/);
    expect(double.instances.size).to.equal(1);
    expect(double.actions().filter((a) => a.action === 'add_instance')).to.have.length(1);
  });

  it('an unclear order (a 500) is not repeated; one never listed past the grace period goes to an operator', async () => {
    double = await startHostwindsDouble();
    double.fail({ kind: 'status', status: 500 }, { times: 1, matching: hostwindsAction('add_instance') });
    let now = new Date('2026-11-27T10:00:00Z');
    const vps = provider({ listingAttempts: 1, listingGraceMs: 60_000, now: () => now });
    const order = { reference: 'provisioning-unclear', hostname: 'u.example.com' };
    expect(await caught(() => vps.orderServer(order))).to.include({ retryable: true, statusCode: 500 });
    expect(await caught(() => vps.orderServer(order))).to.include({ retryable: true });
    now = new Date(now.getTime() + 61_000);
    const stuck = await caught(() => vps.orderServer(order));
    expect(stuck).to.include({ retryable: false });
    expect(stuck.message).to.include('look for it in the Hostwinds account');
    expect(double.actions().filter((a) => a.action === 'add_instance')).to.have.length(1);
  });

  it('a refused order may be placed again once the cause is fixed', async () => {
    double = await startHostwindsDouble();
    double.fail(hostwindsRefusal('Add Instance', 'Insufficient funds.'), { times: 1, matching: hostwindsAction('add_instance') });
    const order = { reference: 'provisioning-refused', hostname: 'r.example.com' };
    expect(await caught(() => provider().orderServer(order))).to.include({ retryable: false });
    const server = await provider().orderServer(order);
    expect(double.instances.size).to.equal(1);
    expect(server.orderId).to.match(/^\d+$/);
  });

  it('reads the address once the provider assigns it (slow assignment)', async () => {
    double = await startHostwindsDouble({ ipAfterPolls: 3 });
    const vps = provider();
    const { serverId, publicIp } = await vps.orderServer({ reference: 'provisioning-slow', hostname: 'slow.example.com' });
    expect(publicIp).to.equal(null);
    expect((await vps.getServer(serverId)).publicIp).to.equal(null);
    const ready = await vps.getServer(serverId);
    expect(ready.publicIp).to.match(/^203\.0\.113\.\d+$/);
    expect(ready.status).to.equal('active');
  });

  it('sets the reverse DNS of the server address', async () => {
    double = await startHostwindsDouble();
    const vps = provider();
    const { serverId, publicIp } = await vps.orderServer({ reference: 'provisioning-rdns', hostname: 'rdns.example.com' });
    await vps.setReverseDns({ serverId, ip: publicIp!, hostname: 'rdns.example.com' });
    expect(double.instances.get(Number(serverId))!.rdns.get(publicIp!)).to.equal('rdns.example.com');
    const refused = await caught(() => vps.setReverseDns({ serverId, ip: '192.0.2.99', hostname: 'rdns.example.com' }));
    expect(refused).to.include({ retryable: false, action: 'set_rdns' });
    expect(refused.message).to.include('IP does not belong');
  });

  it('a 500 is retryable; a refusal (HTTP 200, result error) is not; neither carries the API key', async () => {
    double = await startHostwindsDouble();
    double.fail({ kind: 'status', status: 500 }, { times: 1, matching: hostwindsAction('get_instance_ids') });
    const down = await caught(() => provider().orderServer({ reference: 'provisioning-500', hostname: 'x.example.com' }));
    expect(down).to.include({ retryable: true, statusCode: 500 });
    expect(double.instances.size).to.equal(0);

    double.fail(hostwindsRefusal('Add Instance', 'Location Id is invalid.'), { times: 1, matching: hostwindsAction('add_instance') });
    const refused = await caught(() => provider().orderServer({ reference: 'provisioning-500', hostname: 'x.example.com' }));
    expect(refused).to.include({ retryable: false, action: 'add_instance' });
    expect(refused.message).to.include('Location Id is invalid.');

    const wrongKey = await caught(() => provider({ apiKey: 'wrong-key' }).getServer('1'));
    expect(wrongKey.message).to.include('Invalid API Key');
    for (const error of [down, refused, wrongKey]) expect(JSON.stringify(error) + error.message).not.to.include('key-');
  });

  it('gives up on a provider that does not answer in time', async () => {
    double = await startHostwindsDouble();
    double.fail({ kind: 'hang' });
    const slow = await caught(() => provider({ timeoutMs: 200 }).getServer('41000'));
    expect(slow).to.include({ retryable: true });
    expect(slow.message).to.include('no answer within 200 ms');
    double.heal();
  });

  it('refuses a reference that cannot be a server name, before calling', async () => {
    double = await startHostwindsDouble();
    const bad = await caught(() => provider().orderServer({ reference: 'has spaces', hostname: 'x.example.com' }));
    expect(bad.retryable).to.equal(false);
    expect(double.requests).to.have.length(0);
  });
});
