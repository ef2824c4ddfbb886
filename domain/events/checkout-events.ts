import { z } from 'zod';
import { currencyCode, stripeAmount } from '../money.ts';
import { commonEventDataSchema } from './common.ts';

export const checkoutSessionSnapshotSchema = z.object({
  id: z.string(),
  mode: z.string(),
  clientReferenceId: z.string().nullable(),
  subscriptionId: z.string().nullable(),
  paymentStatus: z.string().nullable(),
  amountTotal: stripeAmount.nullable(),
  currency: currencyCode.nullable(),
});

export const checkoutSessionCompletedSchema = commonEventDataSchema.extend({
  session: checkoutSessionSnapshotSchema,
});

export type CheckoutSessionSnapshot = z.output<typeof checkoutSessionSnapshotSchema>;
export type CheckoutSessionCompletedData = z.output<typeof checkoutSessionCompletedSchema>;
