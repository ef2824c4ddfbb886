import { z } from 'zod';
import { minorUnits } from '../../money.ts';
import { orNull } from './fields.ts';

/**
 * Stripe's fee from a `balance_transaction` field: present only when the webhook endpoint's
 * object had it expanded (by default it is an id, and the fee is not in the event at all).
 */
export const expandedFee = orNull(z.union([z.string().transform(() => null), z.looseObject({ fee: minorUnits }).transform((bt) => bt.fee)])).transform(
  (fee) => fee ?? null,
);
