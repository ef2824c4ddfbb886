import type { SubscriptionStatus } from '../events/subscription-events.ts';

/** Statuses a subscription never leaves: Stripe creates a new subscription instead. */
export const TERMINAL_STATUSES: readonly SubscriptionStatus[] = ['canceled', 'incomplete_expired'];

export type SubscriptionEventType = 'SubscriptionCreated' | 'SubscriptionUpdated' | 'SubscriptionDeleted' | 'SubscriptionTrialWillEnd';

export function isTerminalStatus(status: string): boolean {
  return (TERMINAL_STATUSES as readonly string[]).includes(status);
}

/**
 * Whether a subscription snapshot replaces the stored one. Stripe delivers out of order, so an
 * older event never overwrites newer state. Events in the same second have no order; of those,
 * a deletion wins, and nothing else brings a terminal subscription back.
 */
export function shouldApplySubscriptionEvent(
  current: { lastEventCreated: number; status: string } | null,
  incoming: { created: number; type: SubscriptionEventType },
): boolean {
  if (current === null) return true;
  if (incoming.created !== current.lastEventCreated) return incoming.created > current.lastEventCreated;
  return incoming.type === 'SubscriptionDeleted' || !isTerminalStatus(current.status);
}
