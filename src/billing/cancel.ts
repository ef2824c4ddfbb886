import { updatingContext, type BillingDeps, type BillingRequest } from './deps.ts';
import { BillingActionError } from './errors.ts';
import { recordIntent } from './intents.ts';
import { liveSubscription } from './subscription.ts';

export interface CancellationAnswer {
  readonly subscriptionId: string;
  readonly cancelAtPeriodEnd: boolean;
  /** Unix seconds: when the subscription ends (the paid period's end), or null once resumed. */
  readonly cancelAt: number | null;
}

/**
 * Cancels at the end of the period already paid for, never at once; the tenant's reason goes to
 * Stripe (cancellation_details.comment) and into the stream, for churn analysis. A downgrade
 * scheduled for that date is released first: the subscription ends instead.
 */
export async function cancelAtPeriodEnd(deps: BillingDeps, request: BillingRequest, reason: string): Promise<CancellationAnswer> {
  const subscription = await liveSubscription(deps, request.tenantId);
  const context = updatingContext(request);
  if (subscription.scheduleId) await deps.stripe.releaseSchedule(context, subscription.scheduleId);
  const updated = await deps.stripe.setCancelAtPeriodEnd(context, subscription.id, { atPeriodEnd: true, comment: reason });
  await recordIntent(
    deps.store,
    'CancellationRequested',
    { tenantId: request.tenantId, customerId: updated.customerId, requestedAt: deps.now(), subscriptionId: updated.id, reason, cancelAt: updated.currentPeriodEnd },
    context.requestKey,
  );
  return { subscriptionId: updated.id, cancelAtPeriodEnd: true, cancelAt: updated.currentPeriodEnd };
}

/** Undoes a pending cancellation: the subscription renews as before. */
export async function resume(deps: BillingDeps, request: BillingRequest): Promise<CancellationAnswer> {
  const subscription = await liveSubscription(deps, request.tenantId);
  if (!subscription.cancelAtPeriodEnd) throw new BillingActionError(409, 'not_canceling', `subscription ${subscription.id} has no pending cancellation to undo`);
  const context = updatingContext(request);
  const updated = await deps.stripe.setCancelAtPeriodEnd(context, subscription.id, { atPeriodEnd: false, comment: '' });
  await recordIntent(deps.store, 'ResumeRequested', { tenantId: request.tenantId, customerId: updated.customerId, requestedAt: deps.now(), subscriptionId: updated.id }, context.requestKey);
  return { subscriptionId: updated.id, cancelAtPeriodEnd: false, cancelAt: null };
}
