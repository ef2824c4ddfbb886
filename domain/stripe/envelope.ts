import { z } from 'zod';
import { unixSeconds } from '../events/common.ts';

/**
 * A Stripe webhook body after its signature was verified. Loose, because Stripe adds fields
 * to events over API versions and a verified event must never be rejected for that.
 */
export const stripeEventEnvelopeSchema = z.looseObject({
  id: z.string().startsWith('evt_'),
  object: z.literal('event'),
  // Events created before API versioning, and some fixtures, carry no version.
  api_version: z.string().nullable().default(null),
  created: unixSeconds,
  livemode: z.boolean(),
  type: z.string(),
  data: z.looseObject({
    object: z.record(z.string(), z.unknown()),
    // On `*.updated` events: the changed fields of `object`, with their values before the change.
    previous_attributes: z.record(z.string(), z.unknown()).nullish(),
  }),
});

export type StripeEventEnvelope = z.output<typeof stripeEventEnvelopeSchema>;
