import { z } from 'zod';
import { currencyCode, minorUnits, stripeAmount } from '../money.ts';
import { commonEventDataSchema, unixSeconds } from './common.ts';

/** A dispute (chargeback) on a charge, as charge.dispute.* events report it. */
export const disputeSnapshotSchema = z.object({
  id: z.string(),
  chargeId: z.string(),
  paymentIntentId: z.string().nullable(),
  amount: stripeAmount,
  currency: currencyCode,
  /** Stripe's: warning_needs_response, needs_response, under_review, won, lost, warning_closed, ... */
  status: z.string(),
  reason: z.string().nullable(),
  /**
   * The sum of the fees on the dispute's balance transactions (Stripe's dispute fee; a reversal
   * can return it, hence signed), or null when the event lists none.
   */
  fee: minorUnits.nullable(),
  created: unixSeconds,
});

/** ChargeDisputeCreated, ChargeDisputeUpdated and ChargeDisputeClosed share it. */
export const disputeEventDataSchema = commonEventDataSchema.extend({
  dispute: disputeSnapshotSchema,
});

export type DisputeSnapshot = z.output<typeof disputeSnapshotSchema>;
export type DisputeEventData = z.output<typeof disputeEventDataSchema>;
