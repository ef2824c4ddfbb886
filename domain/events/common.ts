import { z } from 'zod';

/**
 * Bounds of a Stripe timestamp, in Unix seconds: the epoch to the last second of year 9999.
 * Nothing Stripe holds predates 1970 (it sends no negative timestamps), and no date it carries
 * (a creation, a period end, a trial end, a scheduled cancellation) lies thousands of years
 * ahead. Inside these bounds every value is a valid JS Date with a four-digit-year ISO 8601 form
 * (what the API prints) and fits Postgres timestamptz (4713 BC to 294276 AD); outside them
 * `new Date(s * 1000)` can be invalid and Postgres answers "timestamp out of range", on every
 * retry of the projection that meets it.
 */
export const UNIX_SECONDS_MIN = 0;
export const UNIX_SECONDS_MAX = 253_402_300_799; // 9999-12-31T23:59:59Z

/**
 * A Stripe timestamp. Stripe objects are read with it and the catalogue reads the log back with
 * it, so an impossible date is refused at translation and an already stored one fails to parse on
 * replay rather than reaching a read model.
 */
export const unixSeconds = z
  .number()
  .int()
  .min(UNIX_SECONDS_MIN, 'timestamp before 1970-01-01')
  .max(UNIX_SECONDS_MAX, 'timestamp after 9999-12-31');

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
