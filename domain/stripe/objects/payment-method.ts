import { z } from 'zod';
import type { PaymentMethodSnapshot } from '../../events/payment-method-events.ts';
import { orNull } from './fields.ts';

const card = z.looseObject({
  brand: z.string(),
  last4: z.string(),
  exp_month: z.number().int(),
  exp_year: z.number().int(),
});

export const stripePaymentMethodSchema = z
  .looseObject({
    id: z.string(),
    type: z.string(),
    card: orNull(card),
  })
  .transform((paymentMethod): PaymentMethodSnapshot => ({
    id: paymentMethod.id,
    type: paymentMethod.type,
    // Picked field by field: spreading the loose card would carry its fingerprint along.
    card: paymentMethod.card && {
      brand: paymentMethod.card.brand,
      last4: paymentMethod.card.last4,
      expMonth: paymentMethod.card.exp_month,
      expYear: paymentMethod.card.exp_year,
    },
  }));
