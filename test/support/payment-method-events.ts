import { fixtureEvent, type FixtureShape } from './stripe-fixtures.ts';

/** A `payment_method.attached` delivery of a card to `customer`, routed to `tenant` by its metadata. */
export function paymentMethodAttachedEvent(
  shape: FixtureShape,
  o: { evt: string; paymentMethod: string; customer: string; tenant: string; created: number; brand?: string; last4?: string; expMonth?: number; expYear?: number },
) {
  return fixtureEvent(
    shape,
    'payment_method.attached',
    'payment_method',
    {
      id: o.paymentMethod,
      customer: o.customer,
      metadata: { tenant_id: o.tenant },
      card: { brand: o.brand ?? 'visa', last4: o.last4 ?? '4242', exp_month: o.expMonth ?? 8, exp_year: o.expYear ?? 2030 },
    },
    { id: o.evt, created: o.created },
  );
}

/** A `customer.updated` delivery naming `defaultPaymentMethod` (or none) as the customer's default for invoices. */
export function customerDefaultEvent(shape: FixtureShape, o: { evt: string; customer: string; tenant: string; created: number; defaultPaymentMethod: string | null }) {
  return fixtureEvent(
    shape,
    'customer.updated',
    'customer',
    { id: o.customer, metadata: { tenant_id: o.tenant }, invoice_settings: { default_payment_method: o.defaultPaymentMethod } },
    { id: o.evt, created: o.created },
  );
}
