import { z } from 'zod';
import { commonEventDataSchema, stripeMetadata, unixSeconds } from './common.ts';

export const SUBSCRIPTION_STATUSES = [
  'trialing',
  'active',
  'past_due',
  'canceled',
  'unpaid',
  'incomplete',
  'incomplete_expired',
  'paused',
] as const;

export const subscriptionStatusSchema = z.enum(SUBSCRIPTION_STATUSES);

export const subscriptionSnapshotSchema = z.object({
  id: z.string(),
  status: subscriptionStatusSchema,
  priceId: z.string().nullable(),
  quantity: z.number().int().nullable(),
  currentPeriodStart: unixSeconds.nullable(),
  currentPeriodEnd: unixSeconds.nullable(),
  cancelAtPeriodEnd: z.boolean(),
  cancelAt: unixSeconds.nullable(),
  canceledAt: unixSeconds.nullable(),
  endedAt: unixSeconds.nullable(),
  cancellationReason: z.string().nullable(),
  trialEnd: unixSeconds.nullable(),
  created: unixSeconds,
  /** The price a scheduled change (pending_update) moves to, once its payment succeeds. */
  pendingPriceId: z.string().nullable(),
  metadata: stripeMetadata,
});

/** SubscriptionCreated, SubscriptionUpdated, SubscriptionDeleted and SubscriptionTrialWillEnd share it. */
export const subscriptionEventDataSchema = commonEventDataSchema.extend({
  subscription: subscriptionSnapshotSchema,
});

export type SubscriptionStatus = z.output<typeof subscriptionStatusSchema>;
export type SubscriptionSnapshot = z.output<typeof subscriptionSnapshotSchema>;
export type SubscriptionEventData = z.output<typeof subscriptionEventDataSchema>;
