import { z } from 'zod';
import { currencyCode, minorUnits, stripeAmount } from '../money.ts';
import { commonEventDataSchema, unixSeconds } from './common.ts';

/** A PaymentIntent as a succeeded or failed collection attempt reports it. */
export const paymentIntentSnapshotSchema = z.object({
  id: z.string(),
  amount: stripeAmount,
  amountReceived: stripeAmount,
  currency: currencyCode,
  status: z.string(),
  /** API 2023-10-16 only: current versions link invoices to payments through invoice_payment. */
  invoiceId: z.string().nullable(),
  /** The charge of this attempt: `latest_charge`, or for a failure the charge its error names. */
  chargeId: z.string().nullable(),
  /** Stripe's processing fee, known only when the charge's balance_transaction was expanded. */
  stripeFee: minorUnits.nullable(),
  /** A Connect platform's fee (`application_fee_amount`), not Stripe's. */
  applicationFee: stripeAmount.nullable(),
  failureCode: z.string().nullable(),
  declineCode: z.string().nullable(),
  failureMessage: z.string().nullable(),
  created: unixSeconds,
});

/** PaymentIntentSucceeded and PaymentIntentPaymentFailed share it. */
export const paymentIntentEventDataSchema = commonEventDataSchema.extend({
  paymentIntent: paymentIntentSnapshotSchema,
});

export type PaymentIntentSnapshot = z.output<typeof paymentIntentSnapshotSchema>;
export type PaymentIntentEventData = z.output<typeof paymentIntentEventDataSchema>;
