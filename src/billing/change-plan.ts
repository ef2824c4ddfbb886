import { planChangeDirection } from '../../domain/billing/plan-change.ts';
import { choosePlan } from '../../domain/billing/plan-choice.ts';
import { updatingContext, type BillingDeps, type BillingRequest } from './deps.ts';
import { BillingActionError } from './errors.ts';
import { recordIntent } from './intents.ts';
import { liveSubscription } from './subscription.ts';

export interface PlanChangeAnswer {
  readonly subscriptionId: string;
  readonly direction: 'upgrade' | 'downgrade';
  readonly planId: string;
  /** Unix seconds: now for an upgrade, the period end for a downgrade. */
  readonly effectiveAt: number | null;
}

/**
 * An upgrade applies now, prorated and invoiced at once; a downgrade waits for the period end
 * (a subscription schedule's second phase), the new plan pending until then. An upgrade releases
 * a downgrade still pending, which it replaces.
 */
export async function changePlan(deps: BillingDeps, request: BillingRequest, input: { plan: string; billingCycle: string }): Promise<PlanChangeAnswer> {
  const choice = choosePlan(deps.plans, input.plan, input.billingCycle);
  if (!choice.ok) throw new BillingActionError(400, 'invalid_parameter', `invalid field ${choice.field}: ${choice.problem}`);
  const target = choice.plan;
  const subscription = await liveSubscription(deps, request.tenantId);
  const current = deps.plans.plans.find((p) => p.stripePriceId === subscription.priceId);
  if (!current) throw new BillingActionError(409, 'unknown_current_plan', `the subscription's price ${subscription.priceId} is not in the plan catalogue; change it in the Customer Portal`);
  if (current.id === target.id) throw new BillingActionError(409, 'same_plan', `the subscription is already on ${target.id}`);
  const direction = planChangeDirection(current, target);
  const context = updatingContext(request);
  let scheduleId: string | null = null;
  let effectiveAt: number | null;
  if (direction === 'upgrade') {
    if (subscription.scheduleId) await deps.stripe.releaseSchedule(context, subscription.scheduleId);
    await deps.stripe.changePriceNow(context, { ...subscription, scheduleId: null }, target.stripePriceId);
    effectiveAt = deps.now();
  } else {
    scheduleId = await deps.stripe.changePriceAtPeriodEnd(context, subscription, target.stripePriceId);
    effectiveAt = subscription.currentPeriodEnd;
  }
  await recordIntent(
    deps.store,
    'PlanChangeRequested',
    {
      tenantId: request.tenantId,
      customerId: subscription.customerId,
      requestedAt: deps.now(),
      subscriptionId: subscription.id,
      fromPlanId: current.id,
      toPlanId: target.id,
      toStripePriceId: target.stripePriceId,
      direction,
      effectiveAt,
      scheduleId,
    },
    context.requestKey,
  );
  return { subscriptionId: subscription.id, direction, planId: target.id, effectiveAt };
}
