import rateLimit from '@fastify/rate-limit';
import type { FastifyError, FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { StripeRejectedError, StripeUnavailableError } from '../../adapters/stripe/errors.ts';
import type { StripeGateway } from '../../adapters/stripe/gateway.ts';
import type { Ledger } from '../ledger.ts';
import { cancelAtPeriodEnd, resume, type CancellationAnswer } from '../billing/cancel.ts';
import { changePlan } from '../billing/change-plan.ts';
import { startCheckout } from '../billing/checkout.ts';
import type { BillingDeps, BillingRequest } from '../billing/deps.ts';
import { BillingActionError } from '../billing/errors.ts';
import { openPortal } from '../billing/portal.ts';
import { errorResponse } from './openapi.ts';
import { sendError } from './errors.ts';

export interface BillingActionsDeps extends Omit<BillingDeps, 'stripe' | 'now'> {
  /** Null without STRIPE_SECRET_KEY: every action answers 503 saying so. */
  readonly stripe: StripeGateway | null;
  /** Checkout and portal sessions a tenant may create per window, each. */
  readonly rateLimit: { readonly max: number; readonly windowSeconds: number };
}

export function billingActionsDeps(ledger: Ledger): BillingActionsDeps {
  const { config } = ledger;
  return {
    stripe: ledger.stripe,
    store: ledger.store,
    plans: ledger.plans,
    subscriptions: ledger.subscriptions,
    appUrl: config.appUrl,
    redirectOrigins: config.billingRedirectOrigins,
    automaticTax: config.stripeAutomaticTax,
    rateLimit: config.billingRateLimit,
  };
}

const billingCycle = z.enum(['monthly', 'annual']);
const url = z.string().min(1, 'required').max(2048).describe('an absolute URL on APP_URL or a BILLING_REDIRECT_ORIGINS origin');
const headers = z.looseObject({
  'idempotency-key': z
    .string()
    .min(1)
    .max(200)
    .optional()
    .describe('Optional: the same key with the same request never creates a second Stripe object (without it, an identical request within the same minute is taken for a retry)'),
});
const errors = { 400: errorResponse, 401: errorResponse, 403: errorResponse, 409: errorResponse, 429: errorResponse, 502: errorResponse, 503: errorResponse };
const common = { tags: ['billing'], security: [{ apiKey: [] }], headers };

const cancellationJson = z.object({
  subscription_id: z.string(),
  cancel_at_period_end: z.boolean(),
  cancel_at: z.string().nullable().describe('ISO 8601: when the subscription ends; null once resumed'),
});

const iso = (seconds: number | null) => (seconds === null ? null : new Date(seconds * 1000).toISOString());
const cancellation = (answer: CancellationAnswer) => ({ subscription_id: answer.subscriptionId, cancel_at_period_end: answer.cancelAtPeriodEnd, cancel_at: iso(answer.cancelAt) });

class RateLimited extends Error {
  readonly statusCode = 429;
}

/**
 * The billing actions a tenant takes through Stripe's hosted pages and API. The caller's auth
 * hook must have set `request.tenant`. Each success is recorded as an intent in the tenant's
 * stream; what Stripe then does arrives as webhooks.
 */
export async function registerBillingActions(scope: FastifyInstance, deps: BillingActionsDeps): Promise<void> {
  const parentErrorHandler = scope.errorHandler;
  scope.setErrorHandler((error: FastifyError, request, reply) => {
    if (error instanceof RateLimited) return sendError(reply, 429, 'rate_limited', error.message);
    return parentErrorHandler.call(scope, error, request, reply);
  });
  await scope.register(rateLimit, {
    global: false,
    // After the auth hook (onRequest), so the limit is per tenant, and after validation, so a rejected request costs nothing.
    hook: 'preHandler',
    keyGenerator: (request) => request.tenant?.id ?? request.ip,
    errorResponseBuilder: (_request, context) => new RateLimited(`too many sessions created: at most ${context.max} per ${deps.rateLimit.windowSeconds} s; retry after ${context.after}`),
  });
  const limited = { rateLimit: { max: deps.rateLimit.max, timeWindow: deps.rateLimit.windowSeconds * 1000 } };
  deps.stripe?.onBreakerStateChange((state) => {
    if (state === 'open') scope.log.error({ stripeBreaker: state }, 'Stripe is failing: calls to it are paused, billing actions answer 503');
    else scope.log.warn({ stripeBreaker: state }, state === 'closed' ? 'Stripe answers again: billing actions resumed' : 'trying Stripe again');
  });

  /** Runs a billing action, answering its refusals and Stripe's failures in the one error shape. */
  const act = async <T>(request: FastifyRequest, reply: FastifyReply, action: (billing: BillingDeps, who: BillingRequest) => Promise<T>) => {
    if (!deps.stripe) return sendError(reply, 503, 'stripe_not_configured', 'billing actions need STRIPE_SECRET_KEY, which this server has not been given');
    const billing: BillingDeps = { ...deps, stripe: deps.stripe, now: () => Math.floor(Date.now() / 1000) };
    const tenant = request.tenant!;
    const who: BillingRequest = { tenantId: tenant.id, tenantName: tenant.name, clientKey: request.headers['idempotency-key'] as string | undefined };
    try {
      return await action(billing, who);
    } catch (error) {
      if (error instanceof BillingActionError) return sendError(reply, error.status, error.code, error.message);
      if (error instanceof StripeUnavailableError) return sendError(reply, 503, 'stripe_unavailable', error.message);
      if (error instanceof StripeRejectedError) {
        request.log.error({ stripeStatus: error.statusCode, stripeCode: error.stripeCode, err: error }, 'Stripe refused a billing call');
        return sendError(reply, 502, 'stripe_rejected', error.message);
      }
      throw error;
    }
  };

  const app = scope.withTypeProvider<ZodTypeProvider>();

  app.post(
    '/api/v1/billing/checkout',
    {
      config: limited,
      schema: {
        ...common,
        summary: 'Start a subscription: a Stripe Checkout page for a catalogue plan',
        body: z.strictObject({ plan: z.string().min(1, 'required').describe('the plan tier, e.g. professional'), billing_cycle: billingCycle, success_url: url, cancel_url: url }),
        response: { 200: z.object({ checkout_url: z.string() }), ...errors },
      },
    },
    async (request, reply) =>
      act(request, reply, async (billing, who) => {
        const { plan, billing_cycle, success_url, cancel_url } = request.body;
        const { checkoutUrl } = await startCheckout(billing, who, { plan, billingCycle: billing_cycle, successUrl: success_url, cancelUrl: cancel_url });
        return { checkout_url: checkoutUrl };
      }),
  );

  app.post(
    '/api/v1/billing/portal',
    {
      config: limited,
      schema: { ...common, summary: "Open Stripe's Customer Portal for the tenant (returns to APP_URL)", response: { 200: z.object({ portal_url: z.string() }), ...errors } },
    },
    async (request, reply) => act(request, reply, async (billing, who) => ({ portal_url: (await openPortal(billing, who)).portalUrl })),
  );

  app.post(
    '/api/v1/billing/cancel',
    {
      schema: {
        ...common,
        summary: 'Cancel at the end of the paid period (never at once), with the reason',
        body: z.strictObject({ reason: z.string().trim().min(1, 'required').max(500) }),
        response: { 200: cancellationJson, ...errors },
      },
    },
    async (request, reply) => act(request, reply, async (billing, who) => cancellation(await cancelAtPeriodEnd(billing, who, request.body.reason))),
  );

  app.post(
    '/api/v1/billing/resume',
    { schema: { ...common, summary: 'Undo a pending cancellation', response: { 200: cancellationJson, ...errors } } },
    async (request, reply) => act(request, reply, async (billing, who) => cancellation(await resume(billing, who))),
  );

  app.post(
    '/api/v1/billing/change-plan',
    {
      schema: {
        ...common,
        summary: 'Change plan: an upgrade applies now, prorated; a downgrade at the period end',
        body: z.strictObject({ plan: z.string().min(1, 'required'), billing_cycle: billingCycle }),
        response: {
          200: z.object({
            subscription_id: z.string(),
            change: z.enum(['upgrade', 'downgrade']),
            plan: z.string().describe('the catalogue plan id it moves to'),
            effective_at: z.string().nullable().describe('ISO 8601: now for an upgrade, the period end for a downgrade'),
          }),
          ...errors,
        },
      },
    },
    async (request, reply) =>
      act(request, reply, async (billing, who) => {
        const answer = await changePlan(billing, who, { plan: request.body.plan, billingCycle: request.body.billing_cycle });
        return { subscription_id: answer.subscriptionId, change: answer.direction, plan: answer.planId, effective_at: iso(answer.effectiveAt) };
      }),
  );
}
