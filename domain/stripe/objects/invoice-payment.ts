import { z } from 'zod';
import type { InvoicePaymentSnapshot } from '../../events/invoice-events.ts';
import { stripeAmount, stripeCurrency } from '../../money.ts';
import { expandableId, orNull } from './fields.ts';

/** Current API only: how an invoice was paid, which older versions put on the invoice itself. */
export const stripeInvoicePaymentSchema = z
  .looseObject({
    id: z.string(),
    invoice: expandableId,
    payment: z.looseObject({
      payment_intent: orNull(expandableId),
      charge: orNull(expandableId),
    }),
    amount_paid: orNull(stripeAmount),
    currency: stripeCurrency,
  })
  .transform((invoicePayment): InvoicePaymentSnapshot => ({
    id: invoicePayment.id,
    invoiceId: invoicePayment.invoice,
    paymentIntentId: invoicePayment.payment.payment_intent,
    chargeId: invoicePayment.payment.charge,
    amountPaid: invoicePayment.amount_paid,
    currency: invoicePayment.currency,
  }));
