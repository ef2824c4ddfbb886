import { z } from 'zod';
import { currencyCode, minorUnits, stripeAmount } from '../money.ts';
import { commonEventDataSchema } from './common.ts';

export const chargeSnapshotSchema = z.object({
  id: z.string(),
  paymentIntentId: z.string().nullable(),
  invoiceId: z.string().nullable(),
  amount: stripeAmount,
  amountRefunded: stripeAmount,
  currency: currencyCode,
  refunded: z.boolean(),
  receiptUrl: z.string().nullable(),
  /** Stripe's fee on the charge, known only when its balance_transaction was expanded; events stored before it existed read null. */
  stripeFee: minorUnits.nullable().default(null),
});

export const chargeRefundedSchema = commonEventDataSchema.extend({
  charge: chargeSnapshotSchema,
});

export type ChargeSnapshot = z.output<typeof chargeSnapshotSchema>;
export type ChargeRefundedData = z.output<typeof chargeRefundedSchema>;
