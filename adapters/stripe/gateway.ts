import Stripe from 'stripe';
import { STRIPE_API_VERSION } from './api-version.ts';
import { createStripeCircuit, type BreakerOptions, type BreakerState } from './circuit-breaker.ts';
import { idempotencyKey, type CallContext } from './idempotency-key.ts';

export interface StripeGatewayOptions {
  readonly secretKey: string;
  /** Stripe's API, or a double's address: protocol, host and port are taken from it. */
  readonly apiBase: string;
  /** Per attempt, in milliseconds. */
  readonly timeoutMs: number;
  readonly maxNetworkRetries: number;
  readonly breaker: BreakerOptions;
}

/** What the billing API needs to know of a Stripe subscription, whatever the API version's shape. */
export interface SubscriptionView {
  readonly id: string;
  readonly status: string;
  readonly customerId: string;
  readonly cancelAtPeriodEnd: boolean;
  readonly itemId: string;
  readonly priceId: string;
  readonly quantity: number;
  readonly currentPeriodStart: number | null;
  readonly currentPeriodEnd: number | null;
  readonly scheduleId: string | null;
}

export interface CheckoutRequest {
  readonly customerId: string;
  readonly tenantId: string;
  readonly priceId: string;
  readonly successUrl: string;
  readonly cancelUrl: string;
  readonly trialDays: number | undefined;
  readonly automaticTax: boolean;
}

/** The calls the billing API makes to Stripe, each behind the circuit breaker; mutating ones carry an idempotency key. */
export interface StripeGateway {
  createCustomer(context: CallContext, params: { tenantId: string; name: string }): Promise<{ id: string }>;
  createCheckoutSession(context: CallContext, request: CheckoutRequest): Promise<{ id: string; url: string }>;
  createPortalSession(context: CallContext, params: { customerId: string; returnUrl: string }): Promise<{ id: string; url: string }>;
  retrieveSubscription(id: string): Promise<SubscriptionView>;
  setCancelAtPeriodEnd(context: CallContext, id: string, cancel: { atPeriodEnd: boolean; comment?: string }): Promise<SubscriptionView>;
  /** Moves the subscription to `priceId` now, prorated and invoiced at once. */
  changePriceNow(context: CallContext, subscription: SubscriptionView, priceId: string): Promise<SubscriptionView>;
  /** Keeps the current price to the period end, then `priceId`: a subscription schedule; returns its id. */
  changePriceAtPeriodEnd(context: CallContext, subscription: SubscriptionView, priceId: string): Promise<string>;
  releaseSchedule(context: CallContext, scheduleId: string): Promise<void>;
  breakerState(): BreakerState;
  onBreakerStateChange(listener: (state: BreakerState) => void): void;
  close(): void;
}

export function createStripeGateway(options: StripeGatewayOptions): StripeGateway {
  const base = new URL(options.apiBase);
  const stripe = new Stripe(options.secretKey, {
    apiVersion: STRIPE_API_VERSION,
    protocol: base.protocol === 'http:' ? 'http' : 'https',
    host: base.hostname,
    port: base.port || (base.protocol === 'http:' ? 80 : 443),
    timeout: options.timeoutMs,
    maxNetworkRetries: options.maxNetworkRetries,
    telemetry: false,
  });
  const circuit = createStripeCircuit(options.breaker);
  const key = (operation: string, context: CallContext, params: unknown) => ({ idempotencyKey: idempotencyKey(operation, context, params) });

  const gateway: StripeGateway = {
    createCustomer: (context, { tenantId, name }) =>
      circuit.run(async () => {
        const params = { name, metadata: { tenant_id: tenantId } };
        const customer = await stripe.customers.create(params, key('customer', context, params));
        return { id: customer.id };
      }),

    createCheckoutSession: (context, request) =>
      circuit.run(async () => {
        const params: Stripe.Checkout.SessionCreateParams = {
          mode: 'subscription',
          customer: request.customerId,
          client_reference_id: request.tenantId,
          line_items: [{ price: request.priceId, quantity: 1 }],
          subscription_data: {
            metadata: { tenant_id: request.tenantId },
            ...(request.trialDays ? { trial_period_days: request.trialDays } : {}),
          },
          metadata: { tenant_id: request.tenantId },
          allow_promotion_codes: true,
          billing_address_collection: 'required',
          success_url: request.successUrl,
          cancel_url: request.cancelUrl,
          ...(request.automaticTax ? { automatic_tax: { enabled: true }, customer_update: { address: 'auto', name: 'auto' } } : {}),
        };
        const session = await stripe.checkout.sessions.create(params, key('checkout', context, params));
        if (!session.url) throw new Error(`Stripe returned checkout session ${session.id} without a url`);
        return { id: session.id, url: session.url };
      }),

    createPortalSession: (context, { customerId, returnUrl }) =>
      circuit.run(async () => {
        const params = { customer: customerId, return_url: returnUrl };
        const session = await stripe.billingPortal.sessions.create(params, key('portal', context, params));
        return { id: session.id, url: session.url };
      }),

    retrieveSubscription: (id) => circuit.run(async () => subscriptionView(await stripe.subscriptions.retrieve(id))),

    setCancelAtPeriodEnd: (context, id, { atPeriodEnd, comment }) =>
      circuit.run(async () => {
        const params: Stripe.SubscriptionUpdateParams = {
          cancel_at_period_end: atPeriodEnd,
          ...(comment !== undefined ? { cancellation_details: { comment } } : {}),
        };
        return subscriptionView(await stripe.subscriptions.update(id, params, key(atPeriodEnd ? 'cancel' : 'resume', context, { id, ...params })));
      }),

    changePriceNow: (context, subscription, priceId) =>
      circuit.run(async () => {
        const params: Stripe.SubscriptionUpdateParams = {
          items: [{ id: subscription.itemId, price: priceId, quantity: subscription.quantity }],
          proration_behavior: 'always_invoice',
        };
        return subscriptionView(await stripe.subscriptions.update(subscription.id, params, key('upgrade', context, { id: subscription.id, ...params })));
      }),

    changePriceAtPeriodEnd: (context, subscription, priceId) =>
      circuit.run(async () => {
        const existing = subscription.scheduleId;
        const schedule = existing
          ? await stripe.subscriptionSchedules.retrieve(existing)
          : await stripe.subscriptionSchedules.create({ from_subscription: subscription.id }, key('schedule', context, { from_subscription: subscription.id }));
        const current = schedule.phases[0];
        if (!current) throw new Error(`Stripe returned subscription schedule ${schedule.id} without phases`);
        const params: Stripe.SubscriptionScheduleUpdateParams = {
          end_behavior: 'release',
          phases: [
            { items: [{ price: subscription.priceId, quantity: subscription.quantity }], start_date: current.start_date, end_date: current.end_date },
            { items: [{ price: priceId, quantity: subscription.quantity }] },
          ],
        };
        await stripe.subscriptionSchedules.update(schedule.id, params, key('downgrade', context, { id: schedule.id, ...params }));
        return schedule.id;
      }),

    releaseSchedule: (context, scheduleId) =>
      circuit.run(async () => {
        await stripe.subscriptionSchedules.release(scheduleId, {}, key('release', context, { id: scheduleId }));
      }),

    breakerState: () => circuit.state(),
    onBreakerStateChange: (listener) => circuit.onStateChange(listener),
    close: () => circuit.shutdown(),
  };
  return gateway;
}

/** In the pinned version a subscription's period is on its item; the ledger sells one item per subscription. */
function subscriptionView(subscription: Stripe.Subscription): SubscriptionView {
  const item = subscription.items.data[0];
  if (!item) throw new Error(`Stripe subscription ${subscription.id} has no items`);
  const idOf = (value: string | { id: string } | null) => (value === null ? null : typeof value === 'string' ? value : value.id);
  return {
    id: subscription.id,
    status: subscription.status,
    customerId: idOf(subscription.customer)!,
    cancelAtPeriodEnd: subscription.cancel_at_period_end,
    itemId: item.id,
    priceId: item.price.id,
    quantity: item.quantity ?? 1,
    currentPeriodStart: item.current_period_start ?? null,
    currentPeriodEnd: item.current_period_end ?? null,
    scheduleId: idOf(subscription.schedule),
  };
}
