import { z } from 'zod';
import { commonEventDataSchema } from './common.ts';

/**
 * A verified Stripe event the catalogue does not model, or models but could not read. Kept so
 * the log holds every verified event and a later version can translate it properly on replay.
 */
export const stripeEventRecordedSchema = commonEventDataSchema.extend({
  reason: z.enum(['unmodelled_type', 'invalid_shape']),
  /** Why the object did not match our schema (invalid_shape only). */
  detail: z.string().nullable(),
});

export type StripeEventRecordedData = z.output<typeof stripeEventRecordedSchema>;
