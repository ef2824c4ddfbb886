import { z } from 'zod';
import { unixSeconds } from '../../events/common.ts';
import type { DisputeSnapshot } from '../../events/dispute-events.ts';
import { minorUnits, stripeAmount, stripeCurrency } from '../../money.ts';
import { expandableId, orNull } from './fields.ts';

export const stripeDisputeSchema = z
  .looseObject({
    id: z.string(),
    charge: expandableId,
    payment_intent: orNull(expandableId),
    amount: stripeAmount,
    currency: stripeCurrency,
    status: z.string(),
    reason: orNull(z.string()),
    // Always expanded on a dispute: the withdrawal (and any reinstatement), each with its fee.
    balance_transactions: orNull(z.array(z.looseObject({ fee: minorUnits }))),
    created: unixSeconds,
  })
  .transform((dispute): DisputeSnapshot => {
    const transactions = dispute.balance_transactions ?? [];
    return {
      id: dispute.id,
      chargeId: dispute.charge,
      paymentIntentId: dispute.payment_intent,
      amount: dispute.amount,
      currency: dispute.currency,
      status: dispute.status,
      reason: dispute.reason,
      fee: transactions.length ? transactions.reduce((sum, bt) => sum + bt.fee, 0) : null,
      created: dispute.created,
    };
  });
