import type { DomainEvent, DomainEventOf } from '../../domain/events/catalogue.ts';
import { defaultPaymentMethodOf } from '../../domain/stripe/objects/customer.ts';
import type { BatchRows } from '../batch-rows.ts';
import { fromUnixSeconds } from '../time.ts';
import type { DefaultPaymentMethodRow, PaymentMethodRow } from './rows.ts';

export const PAYMENT_METHOD_EVENT_TYPES = ['PaymentMethodAttached', 'CustomerUpdated'] as const;

export interface PaymentMethodsRows {
  readonly methods: BatchRows<PaymentMethodRow>;
  readonly defaults: BatchRows<DefaultPaymentMethodRow>;
}

/** The Stripe ids a batch's events name: payment methods and customers. */
export function paymentMethodIdsOf(events: readonly DomainEvent[]): { methods: string[]; customers: string[] } {
  const methods: string[] = [];
  const customers: string[] = [];
  for (const event of events) {
    if (event.type === 'PaymentMethodAttached') methods.push(event.data.paymentMethod.id);
    else if (event.type === 'CustomerUpdated') customers.push(event.data.customer.id);
  }
  return { methods, customers };
}

/** An event older than the one that wrote the row is older news: Stripe delivers out of order. */
function isOlder(createdSeconds: number, row: { last_event_created: Date } | undefined): boolean {
  return row !== undefined && createdSeconds * 1000 < row.last_event_created.getTime();
}

export function evolvePaymentMethod(current: PaymentMethodRow | undefined, event: DomainEventOf<'PaymentMethodAttached'>): PaymentMethodRow | null {
  const { paymentMethod, stripe, tenantId, customerId } = event.data;
  if (tenantId === null || isOlder(stripe.created, current)) return null;
  return {
    stripe_payment_method_id: paymentMethod.id,
    // A row never moves to another tenant, whatever a later event says.
    tenant_id: current?.tenant_id ?? tenantId,
    stripe_customer_id: customerId ?? current?.stripe_customer_id ?? null,
    type: paymentMethod.type,
    brand: paymentMethod.card?.brand ?? null,
    last4: paymentMethod.card?.last4 ?? null,
    exp_month: paymentMethod.card?.expMonth ?? null,
    exp_year: paymentMethod.card?.expYear ?? null,
    last_event_created: fromUnixSeconds(stripe.created),
    livemode: stripe.livemode,
  };
}

export function evolveDefault(current: DefaultPaymentMethodRow | undefined, event: DomainEventOf<'CustomerUpdated'>): DefaultPaymentMethodRow | null {
  const { customer, stripe, tenantId } = event.data;
  if (tenantId === null || isOlder(stripe.created, current)) return null;
  return {
    stripe_customer_id: customer.id,
    tenant_id: current?.tenant_id ?? tenantId,
    stripe_payment_method_id: defaultPaymentMethodOf(stripe.object),
    last_event_created: fromUnixSeconds(stripe.created),
  };
}

/** Folds a batch's events, in log order, over the rows it read. */
export function foldPaymentMethods(rows: PaymentMethodsRows, events: readonly DomainEvent[]): void {
  for (const event of events) {
    if (event.type === 'PaymentMethodAttached') {
      const next = evolvePaymentMethod(rows.methods.get(event.data.paymentMethod.id), event);
      if (next) rows.methods.set(next);
    } else if (event.type === 'CustomerUpdated') {
      const next = evolveDefault(rows.defaults.get(event.data.customer.id), event);
      if (next) rows.defaults.set(next);
    }
  }
}
