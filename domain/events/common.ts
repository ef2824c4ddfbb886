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
});

export const commonEventDataSchema = z.object({
  tenantId: z.string().nullable(),
  customerId: z.string().nullable(),
  stripe: stripeSourceSchema,
});

export type StripeSource = z.output<typeof stripeSourceSchema>;
export type CommonEventData = z.output<typeof commonEventDataSchema>;
