import type { StripeEventEnvelope } from '../../domain/stripe/envelope.ts';

export type PaymentAttemptOutcome = 'succeeded' | 'failed';

/**
 * Whether a Stripe event reports a payment attempt, and how it ended. Invoices only: every charge
 * the ledger bills is an invoice's, and Stripe reports each invoice attempt on the invoice *and* on
 * its payment intent (`payment_intent.succeeded` / `.payment_failed`), which would count it twice;
 * newer API versions no longer name the invoice on the intent, so the two cannot be paired.
 * Each failed retry is an attempt; a $0 invoice (a trial) moves no money and is none.
 */
export function paymentAttemptOf(event: Pick<StripeEventEnvelope, 'type' | 'data'>): PaymentAttemptOutcome | null {
  if (event.type === 'invoice.payment_failed') return 'failed';
  if (event.type !== 'invoice.paid') return null;
  const paid = event.data.object.amount_paid;
  return typeof paid === 'number' && paid > 0 ? 'succeeded' : null;
}
