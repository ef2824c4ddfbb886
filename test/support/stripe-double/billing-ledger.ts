import { startTestLedger, type TestLedger } from '../test-ledger.ts';
import { fixtureEvent } from '../stripe-fixtures.ts';
import { seedSubscription } from './routes.ts';
import type { DoubleSubscription } from './resources.ts';
import { startStripeDouble, STRIPE_DOUBLE_KEY, type StripeDouble } from './server.ts';

export const APP_URL = 'https://app.example.com';
export const OTHER_ALLOWED_ORIGIN = 'https://www.example.com';

export interface BillingLedger {
  readonly t: TestLedger;
  readonly stripe: StripeDouble;
  tenant(name: string): Promise<{ id: string; key: string }>;
  post(path: string, key: string, body?: unknown, headers?: Record<string, string>): Promise<{ status: number; json: Record<string, unknown>; headers: Record<string, unknown> }>;
  /** A subscription the double holds and the ledger learnt by webhook, as after a completed checkout. */
  subscribe(tenant: { id: string }, customer: string, priceId: string): Promise<DoubleSubscription>;
  /** Delivers the double's current state of a subscription as a customer.subscription.updated webhook, then projects. */
  mirror(subscription: DoubleSubscription): Promise<void>;
  close(): Promise<void>;
}

/** The ledger with its outgoing Stripe calls pointed at a fresh Stripe double. */
export async function startBillingLedger(env: NodeJS.ProcessEnv = {}): Promise<BillingLedger> {
  const stripe = await startStripeDouble();
  let t: TestLedger;
  try {
    t = await startTestLedger({
      STRIPE_SECRET_KEY: STRIPE_DOUBLE_KEY,
      STRIPE_API_BASE: stripe.url,
      APP_URL,
      BILLING_REDIRECT_ORIGINS: OTHER_ALLOWED_ORIGIN,
      STRIPE_TIMEOUT_MS: '2000',
      STRIPE_MAX_NETWORK_RETRIES: '1',
      ...env,
    });
  } catch (error) {
    await stripe.stop();
    throw error;
  }
  let eventCounter = 0;
  let clock = 1_767_225_600;
  const deliverSubscription = async (type: string, sub: DoubleSubscription) => {
    const item = sub.items.data[0]!;
    const event = fixtureEvent(
      'current',
      type,
      'subscription',
      {
        id: sub.id,
        customer: sub.customer,
        status: sub.status,
        metadata: sub.metadata,
        cancel_at_period_end: sub.cancel_at_period_end,
        cancel_at: sub.cancel_at,
        canceled_at: null,
        ended_at: null,
        trial_end: null,
        pending_update: null,
        cancellation_details: sub.cancellation_details,
        items: { object: 'list', data: [{ id: item.id, price: { id: item.price.id }, quantity: item.quantity, current_period_start: item.current_period_start, current_period_end: item.current_period_end }] },
      },
      { id: `evt_double_${++eventCounter}`, created: ++clock },
    );
    const delivered = await t.deliver(event);
    if (delivered.status !== 200) throw new Error(`webhook not taken: ${JSON.stringify(delivered.json)}`);
    await t.project();
  };
  return {
    t,
    stripe,
    async tenant(name) {
      const created = await t.ledger.tenants.create(name);
      return { id: created.tenant.id, key: created.apiKey };
    },
    async post(path, key, body, headers = {}) {
      const response = await t.app.inject({
        method: 'POST',
        url: path,
        headers: { authorization: `Bearer ${key}`, ...(body === undefined ? {} : { 'content-type': 'application/json' }), ...headers },
        ...(body === undefined ? {} : { payload: JSON.stringify(body) }),
      });
      return { status: response.statusCode, json: JSON.parse(response.body) as Record<string, unknown>, headers: response.headers };
    },
    async subscribe(tenant, customer, priceId) {
      const sub = seedSubscription(stripe.state, { customer, priceId, tenantId: tenant.id, periodStart: clock });
      await deliverSubscription('customer.subscription.created', sub);
      return sub;
    },
    mirror: (sub) => deliverSubscription('customer.subscription.updated', sub),
    async close() {
      try {
        await t.close();
      } finally {
        await stripe.stop();
      }
    },
  };
}
