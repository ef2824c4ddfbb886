import { z } from 'zod';
import { commonEventDataSchema } from './common.ts';

/**
 * A verified Stripe event the catalogue does not model, or models but could not read, or a
 * verified body that is not a Stripe v1 event envelope at all (a v2 "thin" event, say). Kept so
 * the log holds every verified event and a later version can translate it properly on replay.
 * For invalid_envelope, `stripe.object` is the whole body (minus card data), not data.object.
 */
export const stripeEventRecordedSchema = commonEventDataSchema.extend({
  reason: z.enum(['unmodelled_type', 'invalid_shape', 'invalid_envelope']),
  /** Why the object (invalid_shape) or the body (invalid_envelope) did not match our schema. */
  detail: z.string().nullable(),
});

export type StripeEventRecordedData = z.output<typeof stripeEventRecordedSchema>;
