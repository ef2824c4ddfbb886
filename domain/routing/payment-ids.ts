import type { StripeDomainEvent } from '../events/catalogue.ts';
import { isRecord } from '../is-record.ts';

/**
 * The charge and the payment intent a Stripe object pays, refunds or disputes. A dispute (or a
 * refund, or a charge without a customer) names no customer and no tenant; these ids lead to the
 * tenant an earlier event naming the same payment was routed to.
 */
export interface PaymentIds {
  readonly chargeId: string | null;
  readonly paymentIntentId: string | null;
}

const NONE: PaymentIds = { chargeId: null, paymentIntentId: null };

/** Read from a Stripe object as delivered (ids or expanded objects). */
export function paymentIdsOf(object: Record<string, unknown>): PaymentIds {
  switch (object.object) {
    case 'charge':
      return ids(object.id, object.payment_intent);
    case 'payment_intent':
      return ids(object.latest_charge, object.id);
    // Only the 2023-10-16 shape of an invoice names its payment; current ones leave it to invoice_payment.
    case 'invoice':
    case 'dispute':
    case 'refund':
      return ids(object.charge, object.payment_intent);
    case 'invoice_payment':
      return isRecord(object.payment) ? ids(object.payment.charge, object.payment.payment_intent) : NONE;
    default:
      return NONE;
  }
}

/**
 * Read from a translated event: its snapshot where the catalogue models the type (an oversize
 * event keeps only that), the Stripe object otherwise (say, charge.succeeded or
 * charge.dispute.funds_withdrawn).
 */
export function paymentIdsOfEvent(event: StripeDomainEvent): PaymentIds {
  const data = event.data;
  if ('invoice' in data) return { chargeId: data.invoice.chargeId, paymentIntentId: data.invoice.paymentIntentId };
  if ('invoicePayment' in data) return { chargeId: data.invoicePayment.chargeId, paymentIntentId: data.invoicePayment.paymentIntentId };
  if ('charge' in data) return { chargeId: data.charge.id, paymentIntentId: data.charge.paymentIntentId };
  if ('paymentIntent' in data) return { chargeId: data.paymentIntent.chargeId, paymentIntentId: data.paymentIntent.id };
  if ('dispute' in data) return { chargeId: data.dispute.chargeId, paymentIntentId: data.dispute.paymentIntentId };
  return event.type === 'StripeEventRecorded' ? paymentIdsOf(data.stripe.object) : NONE;
}

function ids(charge: unknown, paymentIntent: unknown): PaymentIds {
  return { chargeId: idOf(charge), paymentIntentId: idOf(paymentIntent) };
}

function idOf(value: unknown): string | null {
  const id = isRecord(value) ? value.id : value;
  return typeof id === 'string' && id.trim() !== '' ? id.trim() : null;
}
