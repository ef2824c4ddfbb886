/**
 * Stripe webhook bodies shaped like real deliveries (API version 2023-10-16), for benchmarks and
 * simulators: full-size invoice and subscription objects, so parsing and storage costs are real.
 */

let sequence = 0;
const id = (prefix: string) => `${prefix}_sim${Date.now().toString(36)}${(sequence++).toString(36).padStart(6, '0')}`;

function subscription(tenantId: string, customer: string, subId: string, created: number, status: string) {
  return {
    id: subId,
    object: 'subscription',
    application: null,
    application_fee_percent: null,
    automatic_tax: { enabled: false, liability: null },
    billing_cycle_anchor: created,
    billing_thresholds: null,
    cancel_at: null,
    cancel_at_period_end: false,
    canceled_at: null,
    cancellation_details: { comment: null, feedback: null, reason: null },
    collection_method: 'charge_automatically',
    created,
    currency: 'usd',
    current_period_end: created + 2_592_000,
    current_period_start: created,
    customer,
    days_until_due: null,
    default_payment_method: id('pm'),
    default_source: null,
    default_tax_rates: [],
    description: null,
    discount: null,
    ended_at: null,
    items: {
      object: 'list',
      data: [
        {
          id: id('si'),
          object: 'subscription_item',
          billing_thresholds: null,
          created,
          metadata: {},
          price: {
            id: 'price_professional_monthly',
            object: 'price',
            active: true,
            billing_scheme: 'per_unit',
            created: created - 86_400,
            currency: 'usd',
            livemode: false,
            lookup_key: null,
            metadata: {},
            nickname: 'Professional monthly',
            product: 'prod_professional',
            recurring: { aggregate_usage: null, interval: 'month', interval_count: 1, trial_period_days: null, usage_type: 'licensed' },
            tax_behavior: 'unspecified',
            tiers_mode: null,
            transform_quantity: null,
            type: 'recurring',
            unit_amount: 14900,
            unit_amount_decimal: '14900',
          },
          quantity: 1,
          subscription: subId,
          tax_rates: [],
        },
      ],
      has_more: false,
      url: `/v1/subscription_items?subscription=${subId}`,
    },
    latest_invoice: id('in'),
    livemode: false,
    metadata: { tenant_id: tenantId },
    next_pending_invoice_item_invoice: null,
    on_behalf_of: null,
    pause_collection: null,
    payment_settings: { payment_method_options: null, payment_method_types: null, save_default_payment_method: 'off' },
    pending_invoice_item_interval: null,
    pending_setup_intent: null,
    pending_update: null,
    schedule: null,
    start_date: created,
    status,
    test_clock: null,
    transfer_data: null,
    trial_end: null,
    trial_settings: { end_behavior: { missing_payment_method: 'create_invoice' } },
    trial_start: null,
  };
}

function invoice(tenantId: string, customer: string, subId: string, created: number, amount: number) {
  const invoiceId = id('in');
  return {
    id: invoiceId,
    object: 'invoice',
    account_country: 'US',
    account_name: 'Bench SaaS',
    amount_due: amount,
    amount_paid: amount,
    amount_remaining: 0,
    attempt_count: 1,
    attempted: true,
    auto_advance: false,
    billing_reason: 'subscription_cycle',
    charge: id('ch'),
    collection_method: 'charge_automatically',
    created,
    currency: 'usd',
    customer,
    customer_address: null,
    customer_email: 'billing@example.com',
    customer_name: 'Bench Customer',
    default_payment_method: null,
    description: null,
    discount: null,
    hosted_invoice_url: `https://invoice.stripe.com/i/acct_bench/${invoiceId}`,
    invoice_pdf: `https://pay.stripe.com/invoice/acct_bench/${invoiceId}/pdf`,
    lines: {
      object: 'list',
      data: [
        {
          id: id('il'),
          object: 'line_item',
          amount,
          currency: 'usd',
          description: '1 × Professional (at $149.00 / month)',
          discountable: true,
          livemode: false,
          metadata: { tenant_id: tenantId },
          period: { end: created + 2_592_000, start: created },
          plan: null,
          price: { id: 'price_professional_monthly', object: 'price', currency: 'usd', unit_amount: amount },
          proration: false,
          quantity: 1,
          subscription: subId,
          type: 'subscription',
        },
      ],
      has_more: false,
      url: `/v1/invoices/${invoiceId}/lines`,
    },
    livemode: false,
    metadata: {},
    number: `BENCH-${sequence}`,
    paid: true,
    payment_intent: id('pi'),
    period_end: created,
    period_start: created - 2_592_000,
    status: 'paid',
    status_transitions: { finalized_at: created, marked_uncollectible_at: null, paid_at: created + 5, voided_at: null },
    subscription: subId,
    subscription_details: { metadata: { tenant_id: tenantId } },
    subtotal: amount,
    tax: null,
    total: amount,
    webhooks_delivered_at: created,
  };
}

/** One webhook body: an invoice.paid three times in four, else a subscription update. */
export function syntheticStripeEvent(tenantId: string, index: number): { id: string; body: string } {
  const created = 1_767_225_600 + index;
  const customer = `cus_bench_${tenantId.slice(0, 8)}`;
  const subId = `sub_bench_${tenantId.slice(0, 8)}`;
  const isInvoice = index % 4 !== 0;
  const object = isInvoice ? invoice(tenantId, customer, subId, created, 14900) : subscription(tenantId, customer, subId, created, 'active');
  const eventId = id('evt');
  const event = {
    id: eventId,
    object: 'event',
    api_version: '2023-10-16',
    created,
    data: { object, ...(isInvoice ? {} : { previous_attributes: { status: 'past_due' } }) },
    livemode: false,
    pending_webhooks: 1,
    request: { id: null, idempotency_key: null },
    type: isInvoice ? 'invoice.paid' : 'customer.subscription.updated',
  };
  return { id: eventId, body: JSON.stringify(event) };
}
