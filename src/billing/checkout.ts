import { choosePlan } from '../../domain/billing/plan-choice.ts';
import { checkRedirectUrl, withCheckoutSessionPlaceholder } from '../../domain/billing/redirect-urls.ts';
import { ensureCustomer } from './customer.ts';
import { creatingContext, type BillingDeps, type BillingRequest } from './deps.ts';
import { BillingActionError } from './errors.ts';
import { recordIntent } from './intents.ts';

export interface CheckoutInput {
  readonly plan: string;
  readonly billingCycle: string;
  readonly successUrl: string;
  readonly cancelUrl: string;
}

/** A Checkout Session in subscription mode for the catalogue plan; the subscription itself arrives by webhook. */
export async function startCheckout(deps: BillingDeps, request: BillingRequest, input: CheckoutInput): Promise<{ checkoutUrl: string }> {
  const choice = choosePlan(deps.plans, input.plan, input.billingCycle);
  if (!choice.ok) throw new BillingActionError(400, 'invalid_parameter', `invalid field ${choice.field}: ${choice.problem}`);
  for (const [field, value] of [['success_url', input.successUrl], ['cancel_url', input.cancelUrl]] as const) {
    const check = checkRedirectUrl(value, deps.redirectOrigins);
    if (!check.ok) throw new BillingActionError(400, 'invalid_parameter', `invalid field ${field}: ${check.problem}`);
  }
  const customerId = await ensureCustomer(deps, request);
  const session = await deps.stripe.createCheckoutSession(creatingContext(request, deps.now()), {
    customerId,
    tenantId: request.tenantId,
    priceId: choice.plan.stripePriceId,
    successUrl: withCheckoutSessionPlaceholder(input.successUrl),
    cancelUrl: input.cancelUrl,
    trialDays: choice.plan.trialDays,
    automaticTax: deps.automaticTax,
  });
  await recordIntent(
    deps.store,
    'CheckoutRequested',
    { tenantId: request.tenantId, customerId, requestedAt: deps.now(), checkoutSessionId: session.id, planId: choice.plan.id, stripePriceId: choice.plan.stripePriceId },
    session.id,
  );
  return { checkoutUrl: session.url };
}
