import { z } from 'zod';
import { unixSeconds } from '../../events/common.ts';
import type { PaymentIntentSnapshot } from '../../events/payment-intent-events.ts';
import { stripeAmount, stripeCurrency } from '../../money.ts';
import { expandedFee } from './balance-transaction.ts';
import { expandableId, orNull } from './fields.ts';

// latest_charge is an id unless expanded; expanded, its balance_transaction may carry the fee.
const latestCharge = orNull(z.union([z.string().transform((id) => ({ id, fee: null })), z.looseObject({ id: z.string(), balance_transaction: expandedFee })
  .transform((charge) => ({ id: charge.id, fee: charge.balance_transaction }))]));

const paymentError = z.looseObject({
  code: orNull(z.string()),
  decline_code: orNull(z.string()),
  message: orNull(z.string()),
  charge: orNull(z.string()),
});

export const stripePaymentIntentSchema = z
  .looseObject({
    id: z.string(),
    amount: stripeAmount,
    amount_received: orNull(stripeAmount),
    currency: stripeCurrency,
    status: z.string(),
    // Removed from payment intents in newer API versions.
    invoice: orNull(expandableId),
    latest_charge: latestCharge,
    application_fee_amount: orNull(stripeAmount),
    last_payment_error: orNull(paymentError),
    created: unixSeconds,
  })
  .transform((pi): PaymentIntentSnapshot => ({
    id: pi.id,
    amount: pi.amount,
    amountReceived: pi.amount_received ?? 0,
    currency: pi.currency,
    status: pi.status,
    invoiceId: pi.invoice,
    chargeId: pi.latest_charge?.id ?? pi.last_payment_error?.charge ?? null,
    stripeFee: pi.latest_charge?.fee ?? null,
    applicationFee: pi.application_fee_amount,
    failureCode: pi.last_payment_error?.code ?? null,
    declineCode: pi.last_payment_error?.decline_code ?? null,
    failureMessage: pi.last_payment_error?.message ?? null,
    created: pi.created,
  }));
