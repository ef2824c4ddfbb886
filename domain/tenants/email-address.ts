import { isRecord } from '../is-record.ts';


const stringAt = (object: unknown, ...path: string[]): string | null => {
  let value: unknown = object;
  for (const key of path) value = isRecord(value) ? value[key] : undefined;
  return typeof value === 'string' && value.includes('@') ? value : null;
};

/**
 * The tenant's email address as one event of its stream tells it. The tenant's address is the
 * one on its Stripe customer, so the caller asks the newest events first: the customer object
 * itself (customer.updated) is the best source; an invoice's `customer_email` and a Checkout
 * Session's `customer_details.email` are copies of it taken when they were made, good enough when
 * no customer event has arrived. Null: this event carries none.
 */
export function emailAddressIn(event: { readonly type: string; readonly data: unknown }): string | null {
  const data = event.data;
  const object = isRecord(data) && isRecord(data.stripe) ? data.stripe.object : undefined;
  switch (event.type) {
    case 'CustomerUpdated':
      return stringAt(data, 'customer', 'email');
    case 'InvoicePaid':
    case 'InvoicePaymentFailed':
    case 'InvoicePaymentActionRequired':
      return stringAt(object, 'customer_email');
    case 'CheckoutSessionCompleted':
      return stringAt(object, 'customer_details', 'email') ?? stringAt(object, 'customer_email');
    default:
      return null;
  }
}
