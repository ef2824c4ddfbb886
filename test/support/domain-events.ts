import type { DomainEventData, DomainEventOf } from '../../domain/events/catalogue.ts';
import type { ChargeSnapshot } from '../../domain/events/charge-events.ts';
import type { InvoicePaymentSnapshot, InvoiceSnapshot } from '../../domain/events/invoice-events.ts';
import type { SubscriptionSnapshot } from '../../domain/events/subscription-events.ts';
import type { Json } from '../../domain/ports/event-store.ts';
import type { ProjectedEvent } from '../../projections/projection.ts';
import type { SubscriptionEvent } from '../../projections/subscriptions/evolve.ts';

/**
 * Domain events as the catalogue types them, for folding without a database: each builder fills
 * what a test does not care about.
 */

export const TENANT = 'aaaaaaaa-0000-4000-8000-000000000001';
export const OTHER_TENANT = 'bbbbbbbb-0000-4000-8000-000000000002';
export const T0 = 1_767_225_600; // 2026-01-01T00:00:00Z

type Common = Pick<DomainEventData<'InvoicePaid'>, 'tenantId' | 'customerId' | 'stripe'>;

function common(o: { tenantId?: string | null; customerId?: string | null; created?: number; stripeType: string }): Common {
  return {
    tenantId: o.tenantId === undefined ? TENANT : o.tenantId,
    customerId: o.customerId ?? null,
    stripe: { eventId: `evt_${o.stripeType}_${o.created ?? T0}`, type: o.stripeType, created: o.created ?? T0, apiVersion: '2023-10-16', livemode: false, object: {}, previousAttributes: null },
  };
}

type Options = { tenantId?: string | null; customerId?: string | null; created?: number };

export function subscriptionEvent(
  type: SubscriptionEvent['type'],
  subscription: Partial<SubscriptionSnapshot> & Pick<SubscriptionSnapshot, 'id' | 'status'>,
  o: Options = {},
): SubscriptionEvent {
  return {
    type,
    data: {
      ...common({ ...o, stripeType: 'customer.subscription.updated' }),
      subscription: {
        priceId: 'price_professional_monthly',
        quantity: 1,
        currentPeriodStart: T0,
        currentPeriodEnd: T0 + 30 * 86_400,
        cancelAtPeriodEnd: false,
        cancelAt: null,
        canceledAt: null,
        endedAt: null,
        cancellationReason: null,
        trialEnd: null,
        created: T0,
        pendingPriceId: null,
        metadata: {},
        ...subscription,
      },
    },
  } as SubscriptionEvent;
}

export function invoicePaid(invoice: Partial<InvoiceSnapshot> & Pick<InvoiceSnapshot, 'id'>, o: Options = {}): DomainEventOf<'InvoicePaid'> {
  return {
    type: 'InvoicePaid',
    data: {
      ...common({ ...o, stripeType: 'invoice.paid' }),
      invoice: {
        number: null,
        subscriptionId: null,
        paymentIntentId: null,
        chargeId: null,
        amountDue: 14_900,
        amountPaid: 14_900,
        amountRemaining: 0,
        currency: 'USD',
        status: 'paid',
        description: null,
        hostedInvoiceUrl: null,
        invoicePdf: null,
        periodStart: null,
        periodEnd: null,
        paidAt: o.created ?? T0,
        attemptCount: 1,
        nextPaymentAttempt: null,
        billingReason: null,
        created: T0,
        ...invoice,
      },
    },
  };
}

export function invoicePaymentPaid(
  invoicePayment: Partial<InvoicePaymentSnapshot> & Pick<InvoicePaymentSnapshot, 'invoiceId'>,
  o: Options = {},
): DomainEventOf<'InvoicePaymentPaid'> {
  return {
    type: 'InvoicePaymentPaid',
    data: {
      ...common({ ...o, stripeType: 'invoice_payment.paid' }),
      invoicePayment: { id: `inpay_${invoicePayment.invoiceId}`, paymentIntentId: null, chargeId: null, amountPaid: 14_900, currency: 'USD', ...invoicePayment },
    },
  };
}

export function chargeRefunded(charge: Partial<ChargeSnapshot> & Pick<ChargeSnapshot, 'id' | 'amountRefunded'>, o: Options = {}): DomainEventOf<'ChargeRefunded'> {
  return {
    type: 'ChargeRefunded',
    data: {
      ...common({ ...o, stripeType: 'charge.refunded' }),
      charge: { paymentIntentId: null, invoiceId: null, amount: 14_900, currency: 'USD', refunded: false, receiptUrl: null, stripeFee: null, ...charge },
    },
  };
}

/** `event` as the runner hands it to a projection: recorded in `stream` under `id`. */
export function recorded(event: ProjectedEvent['event'], o: { id: string; stream: string; revision?: bigint; metadata?: { [key: string]: Json } }): ProjectedEvent {
  return {
    event,
    recorded: {
      id: o.id,
      type: event.type,
      streamName: o.stream,
      revision: o.revision ?? 0n,
      position: { commit: 1n, prepare: o.revision ?? 0n },
      data: event.data as unknown as Json,
      metadata: o.metadata ?? {},
      recordedAt: new Date(T0 * 1000),
    },
  };
}
