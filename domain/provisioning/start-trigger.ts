import type { DomainEvent } from '../events/catalogue.ts';

/**
 * Whether a tenant event starts provisioning: a completed checkout that is paid (or needs no
 * payment), or a subscription that becomes active or trialing, whichever comes first. The
 * process stream's first event makes sure it starts once.
 */
export function startsProvisioning(event: DomainEvent): boolean {
  switch (event.type) {
    case 'CheckoutSessionCompleted':
      return event.data.session.paymentStatus !== 'unpaid';
    case 'SubscriptionCreated':
    case 'SubscriptionUpdated':
      return event.data.subscription.status === 'active' || event.data.subscription.status === 'trialing';
    default:
      return false;
  }
}
