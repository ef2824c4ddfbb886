import type { SubscriptionStatus } from '../events/subscription-events.ts';

/** Statuses a subscription never leaves: Stripe creates a new subscription instead. */
export const TERMINAL_STATUSES: readonly SubscriptionStatus[] = ['canceled', 'incomplete_expired'];

export type SubscriptionEventType = 'SubscriptionCreated' | 'SubscriptionUpdated' | 'SubscriptionDeleted' | 'SubscriptionTrialWillEnd' | 'SubscriptionPaused' | 'SubscriptionResumed';

export function isTerminalStatus(status: string): boolean {
  return (TERMINAL_STATUSES as readonly string[]).includes(status);
}

/** The stored subscription row, as far as the rule needs it. */
export interface AppliedSubscriptionState {
  /** `created` (Unix seconds) of the Stripe event the row was last built from. */
  readonly lastEventCreated: number;
  readonly status: string;
  /** The row's current period start (Unix seconds); null when it has none. */
  readonly currentPeriodStart: number | null;
}

/** The incoming subscription event, as far as the rule needs it. */
export interface IncomingSubscriptionEvent {
  /** The Stripe event's `created` (Unix seconds). */
  readonly created: number;
  readonly type: SubscriptionEventType;
  /** The snapshot's current period start (Unix seconds); null when it has none. */
  readonly currentPeriodStart: number | null;
}

/**
 * Whether a subscription snapshot replaces the stored one. Stripe delivers out of order, so an
 * older event never overwrites newer state. Events in the same second carry no order of their
 * own, so of those:
 * - a deletion wins;
 * - nothing else brings a terminal subscription back;
 * - a creation never replaces an existing row: it is the first event of a subscription's life,
 *   so on a tie it is the older one;
 * - otherwise the snapshot further along wins: one whose current period starts no earlier than
 *   the row's (a renewal moves it forward). A missing period start is older than any.
 */
export function shouldApplySubscriptionEvent(current: AppliedSubscriptionState | null, incoming: IncomingSubscriptionEvent): boolean {
  if (current === null) return true;
  if (incoming.created !== current.lastEventCreated) return incoming.created > current.lastEventCreated;
  if (incoming.type === 'SubscriptionDeleted') return true;
  if (isTerminalStatus(current.status)) return false;
  if (incoming.type === 'SubscriptionCreated') return false;
  return comparePeriodStarts(incoming.currentPeriodStart, current.currentPeriodStart) >= 0;
}

/** Orders period starts with null before every number. */
function comparePeriodStarts(a: number | null, b: number | null): number {
  if (a === null) return b === null ? 0 : -1;
  if (b === null) return 1;
  return a - b;
}
