import { z } from 'zod';
import { commonEventDataSchema } from './common.ts';

/** Strict: no other card detail may ever reach the log through this event. */
export const cardSummarySchema = z.strictObject({
  brand: z.string(),
  last4: z.string(),
  expMonth: z.number().int(),
  expYear: z.number().int(),
});

export const paymentMethodSnapshotSchema = z.object({
  id: z.string(),
  type: z.string(),
  card: cardSummarySchema.nullable(),
});

export const paymentMethodAttachedSchema = commonEventDataSchema.extend({
  paymentMethod: paymentMethodSnapshotSchema,
});

export type CardSummary = z.output<typeof cardSummarySchema>;
export type PaymentMethodSnapshot = z.output<typeof paymentMethodSnapshotSchema>;
export type PaymentMethodAttachedData = z.output<typeof paymentMethodAttachedSchema>;
