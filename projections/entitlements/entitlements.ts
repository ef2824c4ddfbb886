import type { Plan } from '../../domain/plans/catalogue.ts';
import { isTerminalStatus } from '../../domain/subscriptions/apply-rule.ts';
import type { SubscriptionRecord } from '../subscriptions/queries.ts';
import { initialEntitlement } from './evolve.ts';
import type { AccessState, EntitlementRow } from './row.ts';

/** Subscription statuses that give a tenant its plan's features (past_due: dunning decides when to suspend). */
export const ENTITLED_STATUSES: readonly string[] = ['trialing', 'active', 'past_due'];

export interface Entitlements {
  readonly access: { readonly state: AccessState; readonly since: Date | null; readonly reason: string | null };
  /** The catalogue plan of the current subscription's price; null without one, or for a price the catalogue does not sell. */
  readonly plan: Pick<Plan, 'id' | 'name' | 'tier' | 'billingCycle' | 'limits'> | null;
  /** Unlocked while access is active and the subscription is trialing, active or past due on a catalogue plan. */
  readonly features: 'locked' | 'unlocked';
  readonly subscription: SubscriptionRecord | null;
  /** Unlocked once provisioning is ready, never before. */
  readonly infrastructure: 'locked' | 'unlocked';
}

/**
 * What a tenant may use now, from its entitlement row (null: the process manager has recorded
 * nothing for it), its current subscription and that subscription's catalogue plan.
 */
export function entitlementsOf(tenantId: string, row: EntitlementRow | null, subscription: SubscriptionRecord | null, plan: Plan | null): Entitlements {
  const stored = row ?? initialEntitlement(tenantId);
  const access = accessOf(stored, subscription);
  const entitled = access.state === 'active' && subscription !== null && ENTITLED_STATUSES.includes(subscription.status) && plan !== null;
  return {
    access,
    plan: plan && { id: plan.id, name: plan.name, tier: plan.tier, billingCycle: plan.billingCycle, limits: plan.limits },
    features: entitled ? 'unlocked' : 'locked',
    subscription,
    infrastructure: stored.infrastructure,
  };
}

/**
 * A revocation ends with the subscription it names: a tenant that has since subscribed again
 * (a live subscription other than the revoked one) has access, whether or not the process manager
 * recorded a restoration.
 */
function accessOf(row: EntitlementRow, subscription: SubscriptionRecord | null): Entitlements['access'] {
  const resubscribed =
    row.access_state === 'revoked' &&
    subscription !== null &&
    subscription.stripeSubscriptionId !== row.revoked_subscription_id &&
    !isTerminalStatus(subscription.status);
  if (resubscribed) return { state: 'active', since: null, reason: `subscription ${subscription.stripeSubscriptionId} started after the revocation` };
  return { state: row.access_state, since: row.access_since, reason: row.access_reason };
}
