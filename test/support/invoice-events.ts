import { fixtureEvent, type FixtureShape } from './stripe-fixtures.ts';

/** An `invoice.paid` delivery for `tenant`, in either API shape, with the fields a test sets. */
export function paidInvoiceEvent(
  shape: FixtureShape,
  o: { evt: string; invoice: string; tenant: string; amount: number; currency: string; paidAt: number; paymentIntent?: string; description?: string },
) {
  const subscriptionDetails = { metadata: { tenant_id: o.tenant } };
  return fixtureEvent(
    shape,
    'invoice.paid',
    'invoice',
    {
      id: o.invoice,
      customer: `cus_${o.tenant.slice(0, 8)}`,
      status: 'paid',
      currency: o.currency,
      amount_due: o.amount,
      amount_paid: o.amount,
      amount_remaining: 0,
      description: o.description ?? null,
      hosted_invoice_url: `https://invoice.stripe.com/i/${o.invoice}`,
      status_transitions: { paid_at: o.paidAt },
      metadata: {},
      ...(shape === '2023-10'
        ? { subscription: 'sub_1', subscription_details: subscriptionDetails, payment_intent: o.paymentIntent ?? null, charge: null }
        : { parent: { type: 'subscription_details', quote_details: null, subscription_details: { ...subscriptionDetails, subscription: 'sub_1' } } }),
    },
    { id: o.evt, created: o.paidAt },
  );
}
