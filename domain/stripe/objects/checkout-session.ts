import { z } from 'zod';
import type { CheckoutSessionSnapshot } from '../../events/checkout-events.ts';
import { stripeAmount, stripeCurrency } from '../../money.ts';
import { expandableId, orNull } from './fields.ts';

export const stripeCheckoutSessionSchema = z
  .looseObject({
    id: z.string(),
    mode: z.string(),
    client_reference_id: orNull(z.string()),
    subscription: orNull(expandableId),
    payment_status: orNull(z.string()),
    amount_total: orNull(stripeAmount),
    currency: orNull(stripeCurrency),
  })
  .transform((session): CheckoutSessionSnapshot => ({
    id: session.id,
    mode: session.mode,
    clientReferenceId: session.client_reference_id,
    subscriptionId: session.subscription,
    paymentStatus: session.payment_status,
    amountTotal: session.amount_total,
    currency: session.currency,
  }));
