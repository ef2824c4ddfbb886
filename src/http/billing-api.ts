import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { z } from 'zod';
import type { PaymentQueries, PaymentRecord } from '../../projections/payments/queries.ts';
import type { SubscriptionQueries, SubscriptionRecord } from '../../projections/subscriptions/queries.ts';
import type { Tenant, TenantRepository } from '../../adapters/db/tenant-repository.ts';
import { formatMinor } from '../../domain/money.ts';
import { sendError } from './errors.ts';

export interface BillingApiDeps {
  readonly tenants: Pick<TenantRepository, 'findByApiKey'>;
  readonly payments: PaymentQueries;
  readonly subscriptions: SubscriptionQueries;
}

/**
 * A query parameter given once. Fastify's parser makes an array of a repeated one
 * (`?limit=1&limit=2`), which no parameter of this API takes.
 */
function once<T extends z.ZodType>(schema: T) {
  return z.custom<unknown>((value) => !Array.isArray(value), 'given more than once').pipe(schema);
}

/** Plain decimal digits only: `0x10`, `1e1`, `2.0` and ` 5` are not limits, though Number() reads them. */
const pageLimit = z
  .string()
  .refine((text) => /^[0-9]+$/.test(text) && Number(text) >= 1 && Number(text) <= 100, 'must be a whole number from 1 to 100')
  .transform(Number);

const paymentsQuery = z.strictObject({
  limit: once(pageLimit).default(10),
  starting_after: once(z.uuid()).optional(),
});

const noQuery = z.strictObject({});

declare module 'fastify' {
  interface FastifyRequest {
    tenant?: Tenant;
  }
}

function queryError(error: z.ZodError): string {
  return error.issues
    .map((issue) => {
      const name = issue.code === 'unrecognized_keys' ? issue.keys.join(', ') : issue.path.join('.');
      return issue.code === 'unrecognized_keys' ? `unknown query parameter: ${name}` : `invalid query parameter ${name}: ${issue.message}`;
    })
    .join('; ');
}

const iso = (date: Date | null) => (date ? date.toISOString() : null);

function paymentJson(p: PaymentRecord) {
  const net = p.amountMinor - p.amountRefundedMinor;
  return {
    id: p.id,
    amount: formatMinor(p.amountMinor, p.currency),
    amount_minor: Number(p.amountMinor),
    amount_refunded: formatMinor(p.amountRefundedMinor, p.currency),
    amount_refunded_minor: Number(p.amountRefundedMinor),
    net_amount: formatMinor(net, p.currency),
    net_amount_minor: Number(net),
    currency: p.currency.toUpperCase(),
    status: p.status,
    description: p.description,
    created: p.paidAt.toISOString(),
    period_start: iso(p.periodStart),
    period_end: iso(p.periodEnd),
    receipt_url: p.receiptUrl,
    invoice_id: p.stripeInvoiceId,
    livemode: p.livemode,
  };
}

function subscriptionJson(s: SubscriptionRecord) {
  return {
    id: s.id,
    status: s.status,
    plan: s.planId ? { id: s.planId, name: s.planName } : null,
    billing_cycle: s.billingCycle,
    current_period_start: iso(s.currentPeriodStart),
    current_period_end: iso(s.currentPeriodEnd),
    cancel_at_period_end: s.cancelAtPeriodEnd,
    // When it was canceled, or is set to end: Stripe's canceled_at, else its cancel_at.
    cancel_date: iso(s.cancelDate),
    pending_plan: s.pendingPlanId,
    trial_end: iso(s.trialEnd),
    stripe_subscription_id: s.stripeSubscriptionId,
    stripe_price_id: s.stripePriceId,
    livemode: s.livemode,
  };
}

/** An onRequest hook: sets `request.tenant` from `Authorization: Bearer <apiKey>`, or answers 401. */
export function authenticateTenant(tenants: Pick<TenantRepository, 'findByApiKey'>) {
  return async (request: FastifyRequest, reply: FastifyReply) => {
    const match = /^Bearer\s+(\S+)\s*$/i.exec(request.headers.authorization ?? '');
    if (!match) return sendError(reply, 401, 'unauthorized', 'send your API key as "Authorization: Bearer <apiKey>"');
    const tenant = await tenants.findByApiKey(match[1]!);
    if (!tenant) return sendError(reply, 401, 'unauthorized', 'unknown API key');
    request.tenant = tenant;
  };
}

/** The tenant-facing API: a key sees its own tenant's data and nothing else. */
export function registerBillingApi(app: FastifyInstance, deps: BillingApiDeps): void {
  app.register(async (scope) => {
    scope.addHook('onRequest', authenticateTenant(deps.tenants));

    scope.get('/api/v1/billing/payments', async (request, reply) => {
      const query = paymentsQuery.safeParse(request.query);
      if (!query.success) return sendError(reply, 400, 'invalid_parameter', queryError(query.error));
      const page = await deps.payments.page(request.tenant!.id, { limit: query.data.limit, startingAfter: query.data.starting_after });
      if ('cursorNotFound' in page) {
        return sendError(reply, 400, 'invalid_parameter', `invalid query parameter starting_after: no payment ${query.data.starting_after}`);
      }
      return { payments: page.payments.map(paymentJson), has_more: page.hasMore };
    });

    scope.get('/api/v1/billing/subscription', async (request, reply) => {
      const query = noQuery.safeParse(request.query);
      if (!query.success) return sendError(reply, 400, 'invalid_parameter', queryError(query.error));
      const subscription = await deps.subscriptions.current(request.tenant!.id);
      return { subscription: subscription ? subscriptionJson(subscription) : null };
    });
  });
}
