import type { SubscriptionView } from '../../adapters/stripe/gateway.ts';
import type { BillingDeps } from './deps.ts';
import { BillingActionError } from './errors.ts';

const ENDED = new Set(['canceled', 'incomplete_expired']);

/**
 * The tenant's live subscription as Stripe has it now: found through the read model (fed by
 * webhooks), then read from Stripe, whose state is the one a change applies to.
 */
export async function liveSubscription(deps: BillingDeps, tenantId: string): Promise<SubscriptionView> {
  const known = await deps.subscriptions.current(tenantId);
  if (!known || ENDED.has(known.status)) {
    throw new BillingActionError(409, 'no_subscription', 'this tenant has no live subscription (it appears once Stripe confirms the checkout)');
  }
  const subscription = await deps.stripe.retrieveSubscription(known.stripeSubscriptionId);
  if (ENDED.has(subscription.status)) throw new BillingActionError(409, 'no_subscription', `subscription ${subscription.id} has ended`);
  return subscription;
}
