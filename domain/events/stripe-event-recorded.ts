import { z } from 'zod';
import { commonEventDataSchema } from './common.ts';

/**
 * A verified Stripe event the catalogue does not model, or models but could not read, or a
 * verified body that is not a Stripe v1 event envelope at all (a v2 "thin" event, say), or one
 * nested too deep to store as JSON. Kept so the log holds every verified event and a later
 * version can translate it properly on replay.
 * For invalid_envelope, `stripe.object` is the whole body (minus card data), not data.object; for
 * nesting_too_deep, only the body's top-level scalar fields (the bytes as delivered are in the
 * event's metadata, `deliveredBody`).
 */
export const stripeEventRecordedSchema = commonEventDataSchema.extend({
  reason: z.enum(['unmodelled_type', 'invalid_shape', 'invalid_envelope', 'nesting_too_deep']),
  /** Why the object (invalid_shape) or the body (invalid_envelope, nesting_too_deep) could not be read. */
  detail: z.string().nullable(),
});

export type StripeEventRecordedData = z.output<typeof stripeEventRecordedSchema>;
