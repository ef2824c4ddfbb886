import { fixtureEvent, type FixtureShape } from './stripe-fixtures.ts';

/** An invoice event (`invoice.paid`, `invoice.payment_failed`, ...) for `tenant`, in either API shape, with the fields a test sets. */
export function invoiceEvent(
  shape: FixtureShape,
  type: string,
  o: {
    evt: string;
    invoice: string;
    tenant: string;
    status: string;
    amountDue: number;
    amountPaid: number;
    currency: string;
    /** The event's `created`; also the invoice's unless `invoiceCreated` says otherwise. */
    created: number;
    invoiceCreated?: number;
    /** The invoice's own period (the fixture's lines are not subscription lines, so it is the one reported). */
    period?: { start: number; end: number };
    paidAt?: number | null;
    number?: string | null;
    paymentIntent?: string;
    description?: string;
  },
) {
  const subscriptionDetails = { metadata: { tenant_id: o.tenant } };
  return fixtureEvent(
    shape,
    type,
    'invoice',
    {
      id: o.invoice,
      customer: `cus_${o.tenant.slice(0, 8)}`,
      status: o.status,
      currency: o.currency,
      amount_due: o.amountDue,
      amount_paid: o.amountPaid,
      amount_remaining: o.amountDue - o.amountPaid,
      description: o.description ?? null,
      hosted_invoice_url: `https://invoice.stripe.com/i/${o.invoice}`,
      invoice_pdf: `https://pay.stripe.com/invoice/${o.invoice}/pdf`,
      ...(o.number === undefined ? {} : { number: o.number }),
      created: o.invoiceCreated ?? o.created,
      ...(o.period === undefined ? {} : { period_start: o.period.start, period_end: o.period.end }),
      status_transitions: { paid_at: o.paidAt ?? null },
      metadata: {},
      ...(shape === '2023-10'
        ? { subscription: 'sub_1', subscription_details: subscriptionDetails, payment_intent: o.paymentIntent ?? null, charge: null }
        : { parent: { type: 'subscription_details', quote_details: null, subscription_details: { ...subscriptionDetails, subscription: 'sub_1' } } }),
    },
    { id: o.evt, created: o.created },
  );
}

/** An `invoice.paid` delivery for `tenant`, in either API shape, with the fields a test sets. */
export function paidInvoiceEvent(
  shape: FixtureShape,
  o: { evt: string; invoice: string; tenant: string; amount: number; currency: string; paidAt: number; paymentIntent?: string; description?: string },
) {
  const { amount, paidAt, ...rest } = o;
  return invoiceEvent(shape, 'invoice.paid', { ...rest, status: 'paid', amountDue: amount, amountPaid: amount, created: paidAt, paidAt });
}
