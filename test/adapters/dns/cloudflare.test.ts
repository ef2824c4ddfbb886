import { expect } from 'chai';
import { createCloudflareDns } from '../../../adapters/dns/cloudflare.ts';
import { CLOUDFLARE_DOUBLE_TOKEN, CLOUDFLARE_DOUBLE_ZONE, startCloudflareDouble, type CloudflareDouble } from '../../support/cloudflare-double/server.ts';
import { caught } from '../../support/caught.ts';

describe('Cloudflare DNS provider (against its double)', function () {
  this.timeout(30_000);
  let double: CloudflareDouble;

  beforeEach(async () => {
    double = await startCloudflareDouble();
  });
  afterEach(() => double.stop());

  const dns = (overrides: { apiToken?: string; timeoutMs?: number } = {}) =>
    createCloudflareDns({ apiUrl: double.url, apiToken: overrides.apiToken ?? CLOUDFLARE_DOUBLE_TOKEN, zoneId: CLOUDFLARE_DOUBLE_ZONE, timeoutMs: overrides.timeoutMs ?? 5000 });


  it('creates the A record, leaves it alone when repeated, and replaces its address when it changes', async () => {
    await dns().upsertARecord({ hostname: 't1.example.com', ip: '203.0.113.7' });
    expect(double.addressesOf('t1.example.com')).to.deep.equal(['203.0.113.7']);
    const writes = () => double.requests.filter((r) => r.method !== 'GET').length;
    expect(writes()).to.equal(1);
    await dns().upsertARecord({ hostname: 't1.example.com', ip: '203.0.113.7' });
    expect(writes()).to.equal(1);
    await dns().upsertARecord({ hostname: 'T1.example.com.', ip: '203.0.113.8' });
    expect(double.addressesOf('t1.example.com')).to.deep.equal(['203.0.113.8']);
    const [record] = [...double.records.values()];
    expect(record).to.include({ type: 'A', proxied: false, ttl: 1 });
  });

  it('removes extra A records for the name, keeping the right one', async () => {
    for (const content of ['192.0.2.1', '203.0.113.9', '192.0.2.2']) {
      const id = `r${content}`;
      double.records.set(id, { id, type: 'A', name: 'multi.example.com', content, ttl: 1, proxied: false });
    }
    await dns().upsertARecord({ hostname: 'multi.example.com', ip: '203.0.113.9' });
    expect(double.addressesOf('multi.example.com')).to.deep.equal(['203.0.113.9']);
  });

  it('a 500 is retryable, a refusal is not; neither carries the token', async () => {
    double.fail({ kind: 'status', status: 500, body: { success: false, errors: [{ code: 10000, message: 'Internal error' }], result: null } }, { times: 1 });
    const down = await caught(() => dns().upsertARecord({ hostname: 'x.example.com', ip: '192.0.2.1' }));
    expect(down).to.include({ name: 'CloudflareError', retryable: true, statusCode: 500 });
    const denied = await caught(() => dns({ apiToken: 'wrong' }).upsertARecord({ hostname: 'x.example.com', ip: '192.0.2.1' }));
    expect(denied).to.include({ retryable: false, statusCode: 403 });
    expect(denied.message).to.include('Authentication error');
    expect(JSON.stringify(down) + down.message + JSON.stringify(denied) + denied.message).not.to.include(CLOUDFLARE_DOUBLE_TOKEN);
    expect(double.records.size).to.equal(0);
  });

  it('gives up on an API that does not answer in time', async () => {
    double.fail({ kind: 'hang' });
    const slow = await caught(() => dns({ timeoutMs: 200 }).upsertARecord({ hostname: 'x.example.com', ip: '192.0.2.1' }));
    expect(slow).to.include({ retryable: true });
    expect(slow.message).to.include('no answer within 200 ms');
    double.heal();
  });

  it('refuses a bad address before calling', async () => {
    const bad = await caught(() => dns().upsertARecord({ hostname: 'x.example.com', ip: '::1' }));
    expect(bad.message).to.include('IPv4');
    expect(double.requests).to.have.length(0);
  });
});
