import { expect } from 'chai';
import { StripeRejectedError, StripeUnavailableError } from '../../../adapters/stripe/errors.ts';
import { createStripeGateway, type StripeGateway } from '../../../adapters/stripe/gateway.ts';
import { idempotencyKey } from '../../../adapters/stripe/idempotency-key.ts';
import { decodeForm } from '../../support/stripe-double/form.ts';
import { startStripeDouble, STRIPE_DOUBLE_KEY, type StripeDouble } from '../../support/stripe-double/server.ts';

const breaker = { volumeThreshold: 100, errorThresholdPercentage: 50, resetTimeoutMs: 1000, rollingWindowMs: 10_000 };
const ctx = { tenantId: 't1', requestKey: 'r1' };

describe('Stripe gateway against the Stripe double', function () {
  this.timeout(30_000);
  let double: StripeDouble;
  const gateways: StripeGateway[] = [];
  const gateway = (secretKey = STRIPE_DOUBLE_KEY) => {
    const made = createStripeGateway({ secretKey, apiBase: double.url, timeoutMs: 2000, maxNetworkRetries: 1, breaker });
    gateways.push(made);
    return made;
  };

  before(async () => {
    double = await startStripeDouble();
  });
  after(async () => {
    gateways.forEach((g) => g.close());
    await double.stop();
  });

  it('creates a customer with its metadata, form-encoded, at STRIPE_API_BASE', async () => {
    const customer = await gateway().createCustomer({ tenantId: 'tenant-a', requestKey: 'x' }, { tenantId: 'tenant-a', name: 'Acme' });
    expect(double.state.customers.get(customer.id)).to.deep.include({ name: 'Acme', metadata: { tenant_id: 'tenant-a' } });
  });

  it('replays a repeated call with the same key, and the double refuses the key with other parameters', async () => {
    const g = gateway();
    const first = await g.createCustomer({ tenantId: 'tenant-b', requestKey: 'same' }, { tenantId: 'tenant-b', name: 'B' });
    const again = await g.createCustomer({ tenantId: 'tenant-b', requestKey: 'same' }, { tenantId: 'tenant-b', name: 'B' });
    expect(again.id).to.equal(first.id);
    expect(double.requests.filter((r) => r.params.name === 'B').map((r) => r.replayed)).to.deep.equal([false, true]);
    // The same key can only come with the same parameters (the key is derived from them, so only a forged one can differ).
    const stripeKey = double.requests.find((r) => r.params.name === 'B')!.idempotencyKey!;
    const response = await fetch(`${double.url}/v1/customers`, {
      method: 'POST',
      headers: { authorization: `Bearer ${STRIPE_DOUBLE_KEY}`, 'stripe-version': '2026-10-28.endive', 'content-type': 'application/x-www-form-urlencoded', 'idempotency-key': stripeKey },
      body: 'name=Other',
    });
    expect(response.status).to.equal(400);
    expect(((await response.json()) as { error: { type: string } }).error.type).to.equal('idempotency_error');
  });

  it('the double refuses a POST without Idempotency-Key, another Stripe-Version and a missing key, in Stripe error shape', async () => {
    const post = (headers: Record<string, string>) =>
      fetch(`${double.url}/v1/customers`, { method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded', ...headers }, body: 'name=X' });
    const auth = { authorization: `Bearer ${STRIPE_DOUBLE_KEY}` };
    const cases: [Record<string, string>, number, string][] = [
      [{ ...auth, 'stripe-version': '2026-10-28.endive' }, 400, 'idempotency_key_missing'],
      [{ ...auth, 'stripe-version': '2020-08-27', 'idempotency-key': 'k' }, 400, 'api_version_invalid'],
      [{ 'stripe-version': '2026-10-28.endive', 'idempotency-key': 'k' }, 401, 'api_key_invalid'],
    ];
    for (const [headers, status, code] of cases) {
      const response = await post(headers);
      expect(response.status, code).to.equal(status);
      expect(((await response.json()) as { error: { code: string } }).error.code).to.equal(code);
    }
  });

  it("turns Stripe's refusals into StripeRejectedError and its failures into StripeUnavailableError", async () => {
    const rejected = await gateway('sk_test_wrong').createCustomer(ctx, { tenantId: 't', name: 'n' }).catch((e: unknown) => e);
    expect(rejected).to.be.instanceOf(StripeRejectedError);
    expect((rejected as StripeRejectedError).statusCode).to.equal(401);
    const missing = await gateway().retrieveSubscription('sub_missing').catch((e: unknown) => e);
    expect(missing).to.be.instanceOf(StripeRejectedError);
    double.fail({ kind: 'status', status: 503 });
    try {
      const failed = await gateway().createCustomer(ctx, { tenantId: 't', name: 'n' }).catch((e: unknown) => e);
      expect(failed).to.be.instanceOf(StripeUnavailableError);
    } finally {
      double.heal();
    }
  });
});

describe('idempotency keys', () => {
  it('are stable for the same call and differ for another operation, tenant, request or parameters', () => {
    const key = idempotencyKey('checkout', ctx, { a: 1, b: { c: 2, d: 3 } });
    expect(idempotencyKey('checkout', ctx, { b: { d: 3, c: 2 }, a: 1 })).to.equal(key);
    expect(key.length).to.be.at.most(255);
    for (const other of [
      idempotencyKey('portal', ctx, { a: 1, b: { c: 2, d: 3 } }),
      idempotencyKey('checkout', { ...ctx, tenantId: 't2' }, { a: 1, b: { c: 2, d: 3 } }),
      idempotencyKey('checkout', { ...ctx, requestKey: 'r2' }, { a: 1, b: { c: 2, d: 3 } }),
      idempotencyKey('checkout', ctx, { a: 2, b: { c: 2, d: 3 } }),
    ]) {
      expect(other).not.to.equal(key);
    }
  });
});

describe('the Stripe double form decoding', () => {
  it('reads bracketed keys into objects and arrays, as Stripe does', () => {
    expect(decodeForm('metadata[tenant_id]=t1&line_items[0][price]=p&line_items[0][quantity]=1&mode=subscription')).to.deep.equal({
      metadata: { tenant_id: 't1' },
      line_items: [{ price: 'p', quantity: '1' }],
      mode: 'subscription',
    });
  });
});
