import type { DomainEvent } from '../events/catalogue.ts';
import { isRecord } from '../is-record.ts';

/**
 * Where to write to the tenant: the newest email its Stripe customer had in the tenant stream
 * (a customer update's email; a completed checkout's customer_details.email or customer_email).
 */
export function tenantEmail(events: readonly DomainEvent[]): string | null {
  let email: string | null = null;
  for (const event of events) {
    const found = emailOf(event);
    if (found) email = found;
  }
  return email;
}

function emailOf(event: DomainEvent): string | null {
  if (event.type === 'CustomerUpdated') return event.data.customer.email;
  if (event.type !== 'CheckoutSessionCompleted') return null;
  const object = event.data.stripe.object;
  const details = object['customer_details'];
  const fromDetails = isRecord(details) ? details['email'] : undefined;
  if (typeof fromDetails === 'string' && fromDetails) return fromDetails;
  const direct = object['customer_email'];
  return typeof direct === 'string' && direct ? direct : null;
}
