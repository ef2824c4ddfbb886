import { findCustomer } from './customer.ts';
import { creatingContext, type BillingDeps, type BillingRequest } from './deps.ts';
import { BillingActionError } from './errors.ts';
import { recordIntent } from './intents.ts';

/** A Customer Portal session returning to APP_URL; only for a tenant that has a Stripe customer. */
export async function openPortal(deps: BillingDeps, request: BillingRequest): Promise<{ portalUrl: string }> {
  const customerId = await findCustomer(deps.store, request.tenantId);
  if (!customerId) {
    throw new BillingActionError(409, 'no_stripe_customer', 'this tenant has no Stripe customer yet: subscribe through POST /api/v1/billing/checkout first');
  }
  const session = await deps.stripe.createPortalSession(creatingContext(request, deps.now()), { customerId, returnUrl: deps.appUrl });
  await recordIntent(deps.store, 'PortalSessionRequested', { tenantId: request.tenantId, customerId, requestedAt: deps.now(), portalSessionId: session.id }, session.id);
  return { portalUrl: session.url };
}
