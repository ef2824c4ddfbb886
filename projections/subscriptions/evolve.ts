import type { DomainEvent } from '../../domain/events/catalogue.ts';
import { uuidV5 } from '../../domain/ids.ts';
import { shouldApplySubscriptionEvent } from '../../domain/subscriptions/apply-rule.ts';
import type { BatchRows } from '../batch-rows.ts';
import type { ProjectionContext } from '../projection.ts';
import { fromUnixSeconds } from '../time.ts';
import type { SubscriptionRow } from './row.ts';

const SUBSCRIPTION_ROW_NAMESPACE = '3b0c6f0e-6a3e-5d0e-9d5c-2f1b7f6a9c41';

export const SUBSCRIPTION_EVENT_TYPES = ['SubscriptionCreated', 'SubscriptionUpdated', 'SubscriptionDeleted', 'SubscriptionTrialWillEnd', 'SubscriptionPaused', 'SubscriptionResumed'] as const;

export type SubscriptionEvent = Extract<DomainEvent, { type: (typeof SUBSCRIPTION_EVENT_TYPES)[number] }>;

export function isSubscriptionEvent(event: DomainEvent): event is SubscriptionEvent {
  return (SUBSCRIPTION_EVENT_TYPES as readonly string[]).includes(event.type);
}

/** The billing API's intents that add to a subscription row what Stripe's webhooks do not carry. */
export const SUBSCRIPTION_INTENT_TYPES = ['CancellationRequested', 'ResumeRequested', 'PlanChangeRequested'] as const;

export type SubscriptionIntent = Extract<DomainEvent, { type: (typeof SUBSCRIPTION_INTENT_TYPES)[number] }>;

export function isSubscriptionIntent(event: DomainEvent): event is SubscriptionIntent {
  return (SUBSCRIPTION_INTENT_TYPES as readonly string[]).includes(event.type);
}

/** The Stripe subscription an event is about, for reading its row. */
export function subscriptionIdOf(event: DomainEvent): string | null {
  if (isSubscriptionEvent(event)) return event.data.subscription.id;
  if (isSubscriptionIntent(event)) return event.data.subscriptionId;
  return null;
}

/**
 * A row after one of the tenant's intents. An intent never creates a row (the subscription
 * appears with its webhook) and never moves Stripe's clock (`last_event_created`): it adds the
 * tenant's cancellation reason, which Stripe keeps only as a free-text comment, and the plan a
 * downgrade waits for at the period end, which the subscription object does not show (its
 * schedule does).
 */
export function evolveSubscriptionFromIntent(current: SubscriptionRow | null, intent: SubscriptionIntent): SubscriptionRow | null {
  if (!current || current.tenant_id !== intent.data.tenantId) return null;
  switch (intent.type) {
    case 'CancellationRequested':
      return { ...current, cancel_reason: intent.data.reason, cancel_date: fromUnixSeconds(intent.data.cancelAt) ?? current.cancel_date };
    case 'ResumeRequested':
      return { ...current, cancel_reason: null, cancel_date: current.status === 'canceled' ? current.cancel_date : null };
    case 'PlanChangeRequested': {
      const pending = intent.data.direction === 'downgrade' ? intent.data.toStripePriceId : null;
      return { ...current, pending_stripe_price_id: pending, pending_plan_id: intent.data.direction === 'downgrade' ? intent.data.toPlanId : null };
    }
  }
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
  const ending = s.cancelAtPeriodEnd || s.cancelAt !== null || s.status === 'canceled';
  // A downgrade scheduled by the billing API stays pending until the subscription is on that price (or has ended).
  const scheduled = current?.pending_stripe_price_id ?? null;
  const pendingPriceId = s.pendingPriceId ?? (scheduled !== null && scheduled !== s.priceId && s.status !== 'canceled' ? scheduled : null);
  return {
    id: subscriptionRowId(s.id),
    // A row never moves to another tenant, whatever a later event's metadata says.
    tenant_id: current?.tenant_id ?? tenantId,
    plan_id: context.planIdForPrice(s.priceId),
    pending_plan_id: context.planIdForPrice(pendingPriceId),
    status: s.status,
    current_period_start: fromUnixSeconds(s.currentPeriodStart),
    current_period_end: fromUnixSeconds(s.currentPeriodEnd),
    cancel_at_period_end: s.cancelAtPeriodEnd,
    // The tenant's own reason (from the cancel intent) is kept while the subscription is ending or has ended.
    cancel_reason: ending ? (current?.cancel_reason ?? s.cancellationReason) : null,
    cancel_date: fromUnixSeconds(s.canceledAt ?? s.cancelAt),
    billing_contact_user_id: s.metadata['billing_contact_user_id'] ?? current?.billing_contact_user_id ?? null,
    stripe_subscription_id: s.id,
    stripe_customer_id: event.data.customerId,
    stripe_price_id: s.priceId,
    pending_stripe_price_id: pendingPriceId,
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
    if (isSubscriptionIntent(event)) {
      const next = evolveSubscriptionFromIntent(rows.get(event.data.subscriptionId) ?? null, event);
      if (next) rows.set(next);
      continue;
    }
    if (!isSubscriptionEvent(event)) continue;
    const next = evolveSubscription(rows.get(event.data.subscription.id) ?? null, event, context);
    if (next) rows.set(next);
  }
}
