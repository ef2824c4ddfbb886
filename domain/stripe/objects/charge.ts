import { z } from 'zod';
import type { ChargeSnapshot } from '../../events/charge-events.ts';
import { stripeAmount, stripeCurrency } from '../../money.ts';
import { expandedFee } from './balance-transaction.ts';
import { expandableId, orNull } from './fields.ts';

export const stripeChargeSchema = z
  .looseObject({
    id: z.string(),
    payment_intent: orNull(expandableId),
    // Removed from charges in newer API versions: the invoice is then known through invoice_payment.
    invoice: orNull(expandableId),
    amount: stripeAmount,
    amount_refunded: stripeAmount,
    currency: stripeCurrency,
    refunded: z.boolean(),
    receipt_url: orNull(z.string()),
    balance_transaction: expandedFee,
  })
  .transform((charge): ChargeSnapshot => ({
    id: charge.id,
    paymentIntentId: charge.payment_intent,
    invoiceId: charge.invoice,
    amount: charge.amount,
    amountRefunded: charge.amount_refunded,
    currency: charge.currency,
    refunded: charge.refunded,
    receiptUrl: charge.receipt_url,
    stripeFee: charge.balance_transaction,
  }));
