import type { DomainEventOf } from '../../../domain/events/catalogue.ts';
import type { SubscriptionStatus } from '../../../domain/events/subscription-events.ts';
import { invoicePaid, subscriptionEvent } from '../../support/domain-events.ts';

/** Tenant events for the dunning rules, built on the shared domain-event builders. */
export const TENANT = 'aaaaaaaa-0000-4000-8000-000000000001';
export const T_INVOICE = 1_793_400_000;

export function invoiceFailed(id: string, o: { subscriptionId?: string | null; created?: number; hostedInvoiceUrl?: string | null; eventCreated?: number } = {}): DomainEventOf<'InvoicePaymentFailed'> {
  const paid = invoicePaid(
    {
      id,
      subscriptionId: o.subscriptionId === undefined ? 'sub_1' : o.subscriptionId,
      status: 'open',
      amountPaid: 0,
      amountRemaining: 14_900,
      paidAt: null,
      created: o.created ?? T_INVOICE,
      hostedInvoiceUrl: o.hostedInvoiceUrl === undefined ? `https://invoice.stripe.com/i/${id}` : o.hostedInvoiceUrl,
    },
    { tenantId: TENANT, created: o.eventCreated ?? T_INVOICE },
  );
  return { type: 'InvoicePaymentFailed', data: { ...paid.data, stripe: { ...paid.data.stripe, type: 'invoice.payment_failed', eventId: `evt_failed_${id}` } } };
}

export function invoicePaidEvent(id: string, o: { subscriptionId?: string | null; created?: number } = {}): DomainEventOf<'InvoicePaid'> {
  const event = invoicePaid({ id, subscriptionId: o.subscriptionId === undefined ? 'sub_1' : o.subscriptionId, created: o.created ?? T_INVOICE }, { tenantId: TENANT, created: (o.created ?? T_INVOICE) + 60 });
  return { ...event, data: { ...event.data, stripe: { ...event.data.stripe, eventId: `evt_paid_${id}` } } };
}

export function subscription(type: 'SubscriptionCreated' | 'SubscriptionUpdated' | 'SubscriptionDeleted', id: string, status: SubscriptionStatus, o: { periodEnd?: number; created?: number } = {}) {
  const event = subscriptionEvent(type, { id, status, currentPeriodEnd: o.periodEnd ?? T_INVOICE + 30 * 86_400 }, { tenantId: TENANT, created: o.created ?? T_INVOICE });
  return { ...event, data: { ...event.data, stripe: { ...event.data.stripe, eventId: `evt_${type}_${id}_${status}` } } } as DomainEventOf<typeof type>;
}
