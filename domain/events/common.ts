import { z } from 'zod';

/** Stripe timestamps: Unix seconds. */
export const unixSeconds = z.number().int();

export const stripeMetadata = z.record(z.string(), z.string());

/** Where a domain event came from: enough to trace it back to, and re-read, the Stripe event. */
export const stripeSourceSchema = z.object({
  eventId: z.string(),
  type: z.string(),
  created: unixSeconds,
  apiVersion: z.string().nullable(),
  livemode: z.boolean(),
  /** The Stripe object as delivered, minus card data (see scrubCardData). */
  object: z.record(z.string(), z.unknown()),
  /**
   * The event's `data.previous_attributes` (what an update changed, with its values before),
   * minus card data; null when Stripe sent none. Events stored before this field existed lack
   * it, and read as null.
   */
  previousAttributes: z.record(z.string(), z.unknown()).nullable().default(null),
});

export const commonEventDataSchema = z.object({
  tenantId: z.string().nullable(),
  customerId: z.string().nullable(),
  stripe: stripeSourceSchema,
});

export type StripeSource = z.output<typeof stripeSourceSchema>;
export type CommonEventData = z.output<typeof commonEventDataSchema>;
