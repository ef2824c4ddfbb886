import type { DomainEvent } from '../../domain/events/catalogue.ts';
import { uuidV5 } from '../../domain/ids.ts';
import { shouldApplySubscriptionEvent } from '../../domain/subscriptions/apply-rule.ts';
import type { BatchRows } from '../batch-rows.ts';
import type { ProjectionContext } from '../projection.ts';
import { fromUnixSeconds } from '../time.ts';
import type { SubscriptionRow } from './row.ts';

const SUBSCRIPTION_ROW_NAMESPACE = '3b0c6f0e-6a3e-5d0e-9d5c-2f1b7f6a9c41';

export const SUBSCRIPTION_EVENT_TYPES = ['SubscriptionCreated', 'SubscriptionUpdated', 'SubscriptionDeleted', 'SubscriptionTrialWillEnd'] as const;

export type SubscriptionEvent = Extract<DomainEvent, { type: (typeof SUBSCRIPTION_EVENT_TYPES)[number] }>;

export function isSubscriptionEvent(event: DomainEvent): event is SubscriptionEvent {
  return (SUBSCRIPTION_EVENT_TYPES as readonly string[]).includes(event.type);
}

export function subscriptionRowId(stripeSubscriptionId: string): string {
  return uuidV5(stripeSubscriptionId, SUBSCRIPTION_ROW_NAMESPACE);
}

/**
 * The row after `event`, or null when the event must not change it: Stripe delivers out of
 * order, and an older snapshot (or one that would revive a canceled subscription) is ignored.
 */
export function evolveSubscription(
  current: SubscriptionRow | null,
  event: SubscriptionEvent,
  context: ProjectionContext,
): SubscriptionRow | null {
  const { subscription: s, stripe, tenantId } = event.data;
  if (tenantId === null) return null;
  const apply = shouldApplySubscriptionEvent(
    current
      ? {
          lastEventCreated: current.last_event_created.getTime() / 1000,
          status: current.status,
          currentPeriodStart: current.current_period_start ? current.current_period_start.getTime() / 1000 : null,
        }
      : null,
    { created: stripe.created, type: event.type, currentPeriodStart: s.currentPeriodStart },
  );
  if (!apply) return null;
  return {
    id: subscriptionRowId(s.id),
    // A row never moves to another tenant, whatever a later event's metadata says.
    tenant_id: current?.tenant_id ?? tenantId,
    plan_id: context.planIdForPrice(s.priceId),
    pending_plan_id: context.planIdForPrice(s.pendingPriceId),
    status: s.status,
    current_period_start: fromUnixSeconds(s.currentPeriodStart),
    current_period_end: fromUnixSeconds(s.currentPeriodEnd),
    cancel_at_period_end: s.cancelAtPeriodEnd,
    cancel_reason: s.cancellationReason,
    cancel_date: fromUnixSeconds(s.canceledAt ?? s.cancelAt),
    billing_contact_user_id: s.metadata['billing_contact_user_id'] ?? current?.billing_contact_user_id ?? null,
    stripe_subscription_id: s.id,
    stripe_customer_id: event.data.customerId,
    stripe_price_id: s.priceId,
    pending_stripe_price_id: s.pendingPriceId,
    quantity: s.quantity,
    trial_end: fromUnixSeconds(s.trialEnd),
    last_event_created: fromUnixSeconds(stripe.created),
    created: fromUnixSeconds(s.created),
    updated: fromUnixSeconds(stripe.created),
    livemode: stripe.livemode,
  };
}

/** Subscription rows by Stripe subscription id, as `foldSubscriptions` reads and writes them. */
export const subscriptionKey = (row: SubscriptionRow) => row.stripe_subscription_id;

/** Folds a batch's events, in log order, over the rows it read (keyed by `subscriptionKey`). */
export function foldSubscriptions(rows: BatchRows<SubscriptionRow>, events: readonly DomainEvent[], context: ProjectionContext): void {
  for (const event of events) {
    if (!isSubscriptionEvent(event)) continue;
    const next = evolveSubscription(rows.get(event.data.subscription.id) ?? null, event, context);
    if (next) rows.set(next);
  }
}
