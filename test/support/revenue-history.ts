import type { Json } from '../../domain/ports/event-store.ts';

/*
 * A small history of six customers over 2026-01 to 2026-04 whose revenue figures are computed by
 * hand in test/domain/finance/revenue-metrics.test.ts: new, upgrade, downgrade, voluntary and
 * involuntary churn, reactivation, an annual plan, a discounted EUR plan, a trial, a failed
 * payment recovered and one not, refunds, a dispute, a test-mode subscription and a late event.
 * Events are domain events as ingest stores them, with the Stripe object (2023-10 shape) inside.
 */

export const CUSTOMERS = ['A', 'B', 'C', 'D', 'E', 'F', 'G'] as const;
export type Customer = (typeof CUSTOMERS)[number];

export interface HistoryEvent {
  readonly customer: Customer;
  readonly type: string;
  readonly data: Json;
  /** Unix seconds of the Stripe event. */
  readonly created: number;
  /** When the ledger recorded it, in the pure tests (a real store records "now"). */
  readonly recordedAt: Date;
}

const at = (iso: string) => Date.parse(iso) / 1000;

interface Price {
  readonly id: string;
  readonly unitAmount: number;
  readonly currency: string;
  readonly interval: 'month' | 'year';
}

const STARTER: Price = { id: 'price_starter_monthly', unitAmount: 4900, currency: 'usd', interval: 'month' };
const PROFESSIONAL: Price = { id: 'price_professional_monthly', unitAmount: 14900, currency: 'usd', interval: 'month' };
const PROFESSIONAL_ANNUAL: Price = { id: 'price_professional_annual', unitAmount: 149000, currency: 'usd', interval: 'year' };
const SEAT_EUR: Price = { id: 'price_seat_eur', unitAmount: 2000, currency: 'eur', interval: 'month' };

function stripeSource(type: string, created: number, object: Record<string, Json>, livemode = true): Json {
  return { eventId: `evt_${type}_${String(object.id)}_${created}`, type, created, apiVersion: '2023-10-16', livemode, object, previousAttributes: null };
}

interface SubscriptionFacts {
  readonly id: string;
  readonly status: string;
  readonly price: Price;
  readonly quantity?: number;
  readonly created: number;
  readonly discountPercent?: number;
  readonly cancellationReason?: string;
  readonly livemode?: boolean;
}

function subscription(customer: Customer, type: string, stripeType: string, when: string, s: SubscriptionFacts, tenantIds: Record<Customer, string>): Omit<HistoryEvent, 'recordedAt'> {
  const created = at(when);
  const tenantId = tenantIds[customer];
  const quantity = s.quantity ?? 1;
  const canceled = s.status === 'canceled';
  const object: Record<string, Json> = {
    id: s.id,
    object: 'subscription',
    status: s.status,
    customer: `cus_${customer}`,
    currency: s.price.currency,
    created: s.created,
    items: { object: 'list', data: [{ id: `si_${s.id}`, quantity, price: { id: s.price.id, currency: s.price.currency, unit_amount: s.price.unitAmount, recurring: { interval: s.price.interval, interval_count: 1 } } }] },
    discount: s.discountPercent ? { id: `di_${s.id}`, coupon: { id: 'co_quarter_off', percent_off: s.discountPercent, amount_off: null, currency: null, duration: 'forever' }, end: null } : null,
    cancellation_details: { reason: s.cancellationReason ?? null, feedback: null, comment: null },
    metadata: { tenant_id: tenantId },
  };
  const snapshot = {
    id: s.id,
    status: s.status,
    priceId: s.price.id,
    quantity,
    currentPeriodStart: created,
    currentPeriodEnd: created + 30 * 86_400,
    cancelAtPeriodEnd: false,
    cancelAt: null,
    canceledAt: canceled ? created : null,
    endedAt: canceled ? created : null,
    cancellationReason: s.cancellationReason ?? null,
    trialEnd: null,
    created: s.created,
    pendingPriceId: null,
    metadata: { tenant_id: tenantId },
  };
  return { customer, type, created, data: { tenantId, customerId: `cus_${customer}`, stripe: stripeSource(stripeType, created, object, s.livemode ?? true), subscription: snapshot } };
}

interface InvoiceFacts {
  readonly id: string;
  readonly subscriptionId: string;
  readonly amount: number;
  readonly currency?: string;
  readonly charge?: string;
}

function invoice(customer: Customer, outcome: 'paid' | 'failed', when: string, i: InvoiceFacts, tenantIds: Record<Customer, string>): Omit<HistoryEvent, 'recordedAt'> {
  const created = at(when);
  const paid = outcome === 'paid';
  const currency = i.currency ?? 'USD';
  const stripeType = paid ? 'invoice.paid' : 'invoice.payment_failed';
  const object = { id: i.id, object: 'invoice', status: paid ? 'paid' : 'open', amount_due: i.amount, amount_paid: paid ? i.amount : 0, currency: currency.toLowerCase() };
  const snapshot = {
    id: i.id,
    number: null,
    subscriptionId: i.subscriptionId,
    paymentIntentId: null,
    chargeId: i.charge ?? null,
    amountDue: i.amount,
    amountPaid: paid ? i.amount : 0,
    amountRemaining: paid ? 0 : i.amount,
    currency,
    status: paid ? 'paid' : 'open',
    description: null,
    hostedInvoiceUrl: null,
    invoicePdf: null,
    periodStart: created,
    periodEnd: created + 30 * 86_400,
    paidAt: paid ? created : null,
    attemptCount: 1,
    nextPaymentAttempt: null,
    billingReason: 'subscription_cycle',
    created,
  };
  return { customer, type: paid ? 'InvoicePaid' : 'InvoicePaymentFailed', created, data: { tenantId: tenantIds[customer], customerId: `cus_${customer}`, stripe: stripeSource(stripeType, created, object), invoice: snapshot } };
}

function refund(customer: Customer, when: string, charge: string, amountRefunded: number, tenantIds: Record<Customer, string>): Omit<HistoryEvent, 'recordedAt'> {
  const created = at(when);
  const snapshot = { id: charge, paymentIntentId: null, invoiceId: null, amount: 14_900, amountRefunded, currency: 'USD', refunded: false, receiptUrl: null };
  return { customer, type: 'ChargeRefunded', created, data: { tenantId: tenantIds[customer], customerId: `cus_${customer}`, stripe: stripeSource('charge.refunded', created, { id: charge, object: 'charge' }), charge: snapshot } };
}

/** A dispute as this version of the catalogue keeps it: recorded, not modelled (its Stripe object is all there is). */
function dispute(customer: Customer, stripeType: string, when: string, status: string, tenantIds: Record<Customer, string>): Omit<HistoryEvent, 'recordedAt'> {
  const created = at(when);
  const object = { id: 'dp_c1', object: 'dispute', charge: 'ch_c1', amount: 149_000, currency: 'usd', status };
  return { customer, type: 'StripeEventRecorded', created, data: { tenantId: tenantIds[customer], customerId: `cus_${customer}`, stripe: stripeSource(stripeType, created, object), reason: 'unmodelled_type', detail: null } };
}

/** The one event recorded after its month ended: A's recovered invoice, paid 2 March, recorded 3 April. */
export const LATE_EVENT_RECORDED_AT = new Date('2026-04-03T00:00:00Z');

/** The history, in the order ingest recorded it (not Stripe's order: two events arrive late). */
export function revenueHistory(tenantIds: Record<Customer, string>): HistoryEvent[] {
  const t = tenantIds;
  const a = { id: 'sub_a', created: at('2026-01-05T10:00:00Z') };
  const b = { id: 'sub_b', created: at('2026-01-10T10:00:00Z') };
  const c = { id: 'sub_c', created: at('2026-01-15T10:00:00Z') };
  const d = { id: 'sub_d', created: at('2026-01-20T10:00:00Z') };
  const e = { id: 'sub_e', created: at('2026-01-25T10:00:00Z') };
  const f1 = { id: 'sub_f1', created: at('2026-01-03T10:00:00Z') };
  const f2 = { id: 'sub_f2', created: at('2026-04-04T10:00:00Z') };
  const g = { id: 'sub_g', created: at('2026-01-07T10:00:00Z') };
  const events = [
    subscription('F', 'SubscriptionCreated', 'customer.subscription.created', '2026-01-03T10:00:00Z', { ...f1, status: 'active', price: STARTER }, t),
    invoice('F', 'paid', '2026-01-03T10:00:05Z', { id: 'in_f1', subscriptionId: 'sub_f1', amount: 4900 }, t),
    subscription('A', 'SubscriptionCreated', 'customer.subscription.created', '2026-01-05T10:00:00Z', { ...a, status: 'active', price: STARTER }, t),
    invoice('A', 'paid', '2026-01-05T10:00:05Z', { id: 'in_a1', subscriptionId: 'sub_a', amount: 4900 }, t),
    subscription('G', 'SubscriptionCreated', 'customer.subscription.created', '2026-01-07T10:00:00Z', { ...g, status: 'active', price: PROFESSIONAL, livemode: false }, t),
    subscription('B', 'SubscriptionCreated', 'customer.subscription.created', '2026-01-10T10:00:00Z', { ...b, status: 'active', price: PROFESSIONAL }, t),
    invoice('B', 'paid', '2026-01-10T10:00:05Z', { id: 'in_b1', subscriptionId: 'sub_b', amount: 14900 }, t),
    subscription('C', 'SubscriptionCreated', 'customer.subscription.created', '2026-01-15T10:00:00Z', { ...c, status: 'active', price: PROFESSIONAL_ANNUAL }, t),
    invoice('C', 'paid', '2026-01-15T10:00:05Z', { id: 'in_c1', subscriptionId: 'sub_c', amount: 149000, charge: 'ch_c1' }, t),
    subscription('D', 'SubscriptionCreated', 'customer.subscription.created', '2026-01-20T10:00:00Z', { ...d, status: 'active', price: SEAT_EUR, quantity: 3, discountPercent: 25 }, t),
    invoice('D', 'paid', '2026-01-20T10:00:05Z', { id: 'in_d1', subscriptionId: 'sub_d', amount: 4500, currency: 'EUR' }, t),
    subscription('E', 'SubscriptionCreated', 'customer.subscription.created', '2026-01-25T10:00:00Z', { ...e, status: 'trialing', price: STARTER }, t),
    invoice('E', 'paid', '2026-01-25T10:00:05Z', { id: 'in_e0', subscriptionId: 'sub_e', amount: 0 }, t),
    // February
    invoice('F', 'paid', '2026-02-03T10:00:00Z', { id: 'in_f2', subscriptionId: 'sub_f1', amount: 4900 }, t),
    invoice('D', 'failed', '2026-02-05T10:00:00Z', { id: 'in_d2', subscriptionId: 'sub_d', amount: 4500, currency: 'EUR' }, t),
    subscription('D', 'SubscriptionUpdated', 'customer.subscription.updated', '2026-02-06T10:00:00Z', { ...d, status: 'past_due', price: SEAT_EUR, quantity: 3, discountPercent: 25 }, t),
    subscription('E', 'SubscriptionUpdated', 'customer.subscription.updated', '2026-02-08T10:00:00Z', { ...e, status: 'active', price: STARTER }, t),
    invoice('E', 'paid', '2026-02-08T10:00:05Z', { id: 'in_e1', subscriptionId: 'sub_e', amount: 4900 }, t),
    // The upgrade's invoice was recorded before the subscription update that caused it.
    invoice('A', 'paid', '2026-02-10T10:00:05Z', { id: 'in_a2', subscriptionId: 'sub_a', amount: 10000 }, t),
    subscription('A', 'SubscriptionUpdated', 'customer.subscription.updated', '2026-02-10T10:00:00Z', { ...a, status: 'active', price: PROFESSIONAL }, t),
    invoice('B', 'paid', '2026-02-10T11:00:00Z', { id: 'in_b2', subscriptionId: 'sub_b', amount: 14900, charge: 'ch_b2' }, t),
    invoice('D', 'failed', '2026-02-12T10:00:00Z', { id: 'in_d2', subscriptionId: 'sub_d', amount: 4500, currency: 'EUR' }, t),
    subscription('B', 'SubscriptionUpdated', 'customer.subscription.updated', '2026-02-15T10:00:00Z', { ...b, status: 'active', price: STARTER }, t),
    refund('B', '2026-02-16T10:00:00Z', 'ch_b2', 5000, t),
    subscription('F', 'SubscriptionDeleted', 'customer.subscription.deleted', '2026-02-20T10:00:00Z', { ...f1, status: 'canceled', price: STARTER, cancellationReason: 'cancellation_requested' }, t),
    invoice('A', 'failed', '2026-02-25T10:00:00Z', { id: 'in_a3', subscriptionId: 'sub_a', amount: 14900 }, t),
    // March
    refund('B', '2026-03-05T10:00:00Z', 'ch_b2', 7000, t),
    dispute('C', 'charge.dispute.created', '2026-03-08T10:00:00Z', 'needs_response', t),
    subscription('D', 'SubscriptionDeleted', 'customer.subscription.deleted', '2026-03-10T10:00:00Z', { ...d, status: 'canceled', price: SEAT_EUR, quantity: 3, discountPercent: 25, cancellationReason: 'payment_failed' }, t),
    subscription('B', 'SubscriptionDeleted', 'customer.subscription.deleted', '2026-03-20T10:00:00Z', { ...b, status: 'canceled', price: STARTER, cancellationReason: 'cancellation_requested' }, t),
    // April: A's March payment arrives late.
    invoice('A', 'paid', '2026-03-02T10:00:00Z', { id: 'in_a3', subscriptionId: 'sub_a', amount: 14900 }, t),
    subscription('F', 'SubscriptionCreated', 'customer.subscription.created', '2026-04-04T10:00:00Z', { ...f2, status: 'active', price: STARTER }, t),
    invoice('F', 'paid', '2026-04-04T10:00:05Z', { id: 'in_f3', subscriptionId: 'sub_f2', amount: 4900 }, t),
    dispute('C', 'charge.dispute.closed', '2026-04-10T10:00:00Z', 'lost', t),
  ];
  return events.map((event) => ({
    ...event,
    recordedAt: event.type === 'InvoicePaid' && event.created === at('2026-03-02T10:00:00Z') ? LATE_EVENT_RECORDED_AT : new Date((event.created + 60) * 1000),
  }));
}

/** Customer letters as tenant ids, for the pure tests. */
export const LETTER_TENANTS = Object.fromEntries(CUSTOMERS.map((c, i) => [c, `0000000${i}-0000-4000-8000-00000000000${i}`])) as Record<Customer, string>;
