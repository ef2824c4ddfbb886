import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import type { InvoiceRecord } from '../../projections/invoices/queries.ts';
import type { PaymentMethodRecord } from '../../projections/payment-methods/queries.ts';
import type { PaymentRecord } from '../../projections/payments/queries.ts';
import type { SubscriptionRecord } from '../../projections/subscriptions/queries.ts';
import { formatMinor } from '../../domain/money.ts';
import type { Ledger } from '../ledger.ts';
import { sendError } from './errors.ts';
import { errorResponse } from './openapi.ts';

export type BillingApiDeps = Pick<Ledger, 'payments' | 'subscriptions' | 'invoices' | 'paymentMethods'>;

/**
 * A query parameter given once. Fastify's parser makes an array of a repeated one
 * (`?limit=1&limit=2`), which no parameter of this API takes. `documented` is what the
 * OpenAPI document says the parameter is (the refusal of an array has no JSON Schema).
 */
export function once<T extends z.ZodType>(schema: T, documented: Record<string, unknown>) {
  return z
    .custom<unknown>((value) => !Array.isArray(value), 'given more than once')
    .pipe(schema)
    .meta(documented);
}

/** Plain decimal digits only: `0x10`, `1e1`, `2.0` and ` 5` are not limits, though Number() reads them. */
const pageLimit = z
  .string()
  .refine((text) => /^[0-9]+$/.test(text) && Number(text) >= 1 && Number(text) <= 100, 'must be a whole number from 1 to 100')
  .transform(Number);

/** `limit` and `starting_after`, as on Stripe's lists: newest first, the cursor is the last id of the previous page. */
const pageQuery = z.strictObject({
  limit: once(pageLimit, { type: 'string', pattern: '^[0-9]+$', description: 'page size, a whole number from 1 to 100 (default 10)' }).default(10),
  starting_after: once(z.uuid(), { type: 'string', format: 'uuid', description: 'the `id` of the last item of the previous page' }).optional(),
});

const noQuery = z.strictObject({});

const isoDate = z.iso.datetime();
const iso = (date: Date | null) => (date ? date.toISOString() : null);

/** Amounts go out twice: a decimal string by the currency's exponent (14900 USD is "149.00", 14900 JPY "14900"), so no JSON parser rounds it, and the integer in minor units. */
const decimalAmount = z.string().describe('decimal string in major units, by the currency exponent');
const minorAmount = z.number().int().describe('integer in the currency minor unit');
const currencyCode = z.string().describe('upper-case ISO 4217 code');
const livemode = z.boolean().describe('false for Stripe test mode, which is no money');

const errorResponses = { 400: errorResponse, 401: errorResponse, 403: errorResponse };

const paymentSchema = z.object({
  id: z.uuid(),
  amount: decimalAmount,
  amount_minor: minorAmount,
  amount_refunded: decimalAmount,
  amount_refunded_minor: minorAmount,
  net_amount: decimalAmount,
  net_amount_minor: minorAmount,
  currency: currencyCode,
  status: z.enum(['succeeded', 'partially_refunded', 'refunded']),
  description: z.string().nullable(),
  created: isoDate.describe('when it was paid'),
  period_start: isoDate.nullable(),
  period_end: isoDate.nullable(),
  receipt_url: z.string().nullable().describe('the hosted invoice page'),
  invoice_id: z.string().describe('the Stripe invoice it paid'),
  livemode: livemode.nullable().describe('null while an older version of the read model answers'),
});

function paymentJson(p: PaymentRecord): z.input<typeof paymentSchema> {
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

const subscriptionSchema = z.object({
  id: z.uuid(),
  status: z.string().describe("Stripe's subscription status"),
  plan: z.object({ id: z.string(), name: z.string().nullable() }).nullable().describe('the catalogue plan of its price'),
  billing_cycle: z.string().nullable(),
  current_period_start: isoDate.nullable(),
  current_period_end: isoDate.nullable(),
  cancel_at_period_end: z.boolean(),
  cancel_date: isoDate.nullable().describe('when it was canceled, or is set to end'),
  cancel_reason: z.string().nullable().describe('why it was cancelled, as given to POST /api/v1/billing/cancel (or Stripe cancellation feedback)'),
  pending_plan: z.string().nullable().describe('the plan a scheduled downgrade moves to'),
  trial_end: isoDate.nullable(),
  stripe_subscription_id: z.string(),
  stripe_price_id: z.string().nullable(),
  livemode: livemode.nullable(),
});

function subscriptionJson(s: SubscriptionRecord): z.input<typeof subscriptionSchema> {
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
    cancel_reason: s.cancelReason,
    pending_plan: s.pendingPlanId,
    trial_end: iso(s.trialEnd),
    stripe_subscription_id: s.stripeSubscriptionId,
    stripe_price_id: s.stripePriceId,
    livemode: s.livemode,
  };
}

const invoiceSchema = z.object({
  id: z.uuid().describe('the cursor for starting_after'),
  invoice_id: z.string().describe('the Stripe invoice'),
  number: z.string().nullable(),
  status: z.string().describe("Stripe's invoice status: draft, open, paid, uncollectible or void"),
  amount_due: decimalAmount,
  amount_due_minor: minorAmount,
  amount_paid: decimalAmount,
  amount_paid_minor: minorAmount,
  amount_remaining: decimalAmount,
  amount_remaining_minor: minorAmount,
  currency: currencyCode,
  period_start: isoDate.nullable(),
  period_end: isoDate.nullable(),
  hosted_invoice_url: z.string().nullable(),
  invoice_pdf: z.string().nullable(),
  created: isoDate,
  subscription_id: z.string().nullable().describe('the Stripe subscription it bills, if any'),
  livemode,
});

function invoiceJson(i: InvoiceRecord): z.input<typeof invoiceSchema> {
  return {
    id: i.id,
    invoice_id: i.stripeInvoiceId,
    number: i.number,
    status: i.status,
    amount_due: formatMinor(i.amountDueMinor, i.currency),
    amount_due_minor: Number(i.amountDueMinor),
    amount_paid: formatMinor(i.amountPaidMinor, i.currency),
    amount_paid_minor: Number(i.amountPaidMinor),
    amount_remaining: formatMinor(i.amountRemainingMinor, i.currency),
    amount_remaining_minor: Number(i.amountRemainingMinor),
    currency: i.currency.toUpperCase(),
    period_start: iso(i.periodStart),
    period_end: iso(i.periodEnd),
    hosted_invoice_url: i.hostedInvoiceUrl,
    invoice_pdf: i.invoicePdf,
    created: i.created.toISOString(),
    subscription_id: i.stripeSubscriptionId,
    livemode: i.livemode,
  };
}

const paymentMethodSchema = z.object({
  id: z.string().describe('the Stripe payment method'),
  type: z.string().describe('card, sepa_debit, ...'),
  brand: z.string().nullable().describe('cards only'),
  last4: z.string().nullable(),
  exp_month: z.number().int().nullable(),
  exp_year: z.number().int().nullable(),
  default: z.boolean().describe("the customer's default for invoices"),
  livemode,
});

function paymentMethodJson(m: PaymentMethodRecord): z.input<typeof paymentMethodSchema> {
  return { id: m.id, type: m.type, brand: m.brand, last4: m.last4, exp_month: m.expMonth, exp_year: m.expYear, default: m.isDefault, livemode: m.livemode };
}

const tenantRoute = { tags: ['billing'], security: [{ apiKey: [] }] };

function cursorNotFound(what: string, id: string | undefined) {
  return `invalid query parameter starting_after: no ${what} ${id}`;
}

/** The tenant-facing API, behind `requireScope('tenant')` (app.ts): a key sees its own tenant's data and nothing else. */
export function registerBillingApi(app: FastifyInstance, deps: BillingApiDeps): void {
  app.register(async (scope) => {
    const routes = scope.withTypeProvider<ZodTypeProvider>();

    routes.get(
      '/api/v1/billing/payments',
      {
        schema: {
          ...tenantRoute,
          summary: "The tenant's payments, newest first",
          querystring: pageQuery,
          response: { 200: z.object({ payments: z.array(paymentSchema), has_more: z.boolean() }), ...errorResponses },
        },
      },
      async (request, reply) => {
        const { limit, starting_after } = request.query;
        const page = await deps.payments.page(request.tenant!.id, { limit, startingAfter: starting_after });
        if ('cursorNotFound' in page) return sendError(reply, 400, 'invalid_parameter', cursorNotFound('payment', starting_after));
        return { payments: page.payments.map(paymentJson), has_more: page.hasMore };
      },
    );

    routes.get(
      '/api/v1/billing/invoices',
      {
        schema: {
          ...tenantRoute,
          summary: "The tenant's invoices, newest first",
          querystring: pageQuery,
          response: { 200: z.object({ invoices: z.array(invoiceSchema), has_more: z.boolean() }), ...errorResponses },
        },
      },
      async (request, reply) => {
        const { limit, starting_after } = request.query;
        const page = await deps.invoices.page(request.tenant!.id, { limit, startingAfter: starting_after });
        if ('cursorNotFound' in page) return sendError(reply, 400, 'invalid_parameter', cursorNotFound('invoice', starting_after));
        return { invoices: page.invoices.map(invoiceJson), has_more: page.hasMore };
      },
    );

    routes.get(
      '/api/v1/billing/payment-methods',
      {
        schema: {
          ...tenantRoute,
          summary: "The payment methods on the tenant's Stripe customer, the default first",
          querystring: noQuery,
          response: { 200: z.object({ payment_methods: z.array(paymentMethodSchema) }), ...errorResponses },
        },
      },
      async (request) => ({ payment_methods: (await deps.paymentMethods.list(request.tenant!.id)).map(paymentMethodJson) }),
    );

    routes.get(
      '/api/v1/billing/subscription',
      {
        schema: {
          ...tenantRoute,
          summary: "The tenant's current subscription: a live one if any, else the last that ended",
          querystring: noQuery,
          response: { 200: z.object({ subscription: subscriptionSchema.nullable() }), ...errorResponses },
        },
      },
      async (request) => {
        const subscription = await deps.subscriptions.current(request.tenant!.id);
        return { subscription: subscription ? subscriptionJson(subscription) : null };
      },
    );
  });
}
