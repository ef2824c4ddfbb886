import { z } from 'zod';
import { unixSeconds } from '../../events/common.ts';
import { subscriptionStatusSchema, type SubscriptionSnapshot } from '../../events/subscription-events.ts';
import { expandableId, metadataOrEmpty, orNull } from './fields.ts';

// In older API versions (2023-10-16 among them) the current period sits on the subscription, in
// current ones on each item.
const period = {
  current_period_start: orNull(unixSeconds),
  current_period_end: orNull(unixSeconds),
};

const subscriptionItem = z.looseObject({
  price: orNull(expandableId),
  quantity: orNull(z.number().int()),
  ...period,
});

const pendingUpdate = z.looseObject({
  subscription_items: orNull(z.array(z.looseObject({ price: orNull(expandableId) }))),
});

const cancellationDetails = z.looseObject({
  reason: orNull(z.string()),
  feedback: orNull(z.string()),
  comment: orNull(z.string()),
});

export const stripeSubscriptionSchema = z
  .looseObject({
    id: z.string(),
    status: subscriptionStatusSchema,
    items: orNull(z.looseObject({ data: z.array(subscriptionItem) })),
    ...period,
    cancel_at_period_end: z.boolean(),
    cancel_at: orNull(unixSeconds),
    canceled_at: orNull(unixSeconds),
    ended_at: orNull(unixSeconds),
    cancellation_details: orNull(cancellationDetails),
    trial_end: orNull(unixSeconds),
    created: unixSeconds,
    pending_update: orNull(pendingUpdate),
    metadata: metadataOrEmpty,
  })
  .transform((subscription): SubscriptionSnapshot => {
    // The ledger sells one plan per subscription: its first item is the plan.
    const item = subscription.items?.data[0];
    const details = subscription.cancellation_details;
    return {
      id: subscription.id,
      status: subscription.status,
      priceId: item?.price ?? null,
      quantity: item?.quantity ?? null,
      currentPeriodStart: subscription.current_period_start ?? item?.current_period_start ?? null,
      currentPeriodEnd: subscription.current_period_end ?? item?.current_period_end ?? null,
      cancelAtPeriodEnd: subscription.cancel_at_period_end,
      cancelAt: subscription.cancel_at,
      canceledAt: subscription.canceled_at,
      endedAt: subscription.ended_at,
      cancellationReason: details?.reason ?? details?.feedback ?? details?.comment ?? null,
      trialEnd: subscription.trial_end,
      created: subscription.created,
      pendingPriceId: subscription.pending_update?.subscription_items?.[0]?.price ?? null,
      metadata: subscription.metadata,
    };
  });
