import { z } from 'zod';
import { unixSeconds } from '../../events/common.ts';
import type { InvoiceSnapshot } from '../../events/invoice-events.ts';
import { stripeAmount, stripeCurrency } from '../../money.ts';
import { expandableId, orNull } from './fields.ts';

const line = z.looseObject({
  // API 2023-10-16: "subscription" or "invoiceitem".
  type: orNull(z.string()),
  // Current API: parent.type "subscription_item_details" or "invoice_item_details".
  parent: orNull(z.looseObject({ type: orNull(z.string()) })),
  period: orNull(z.looseObject({ start: unixSeconds, end: unixSeconds })),
});

type Line = z.output<typeof line>;

function isSubscriptionLine(invoiceLine: Line): boolean {
  return invoiceLine.type === 'subscription' || invoiceLine.parent?.type === 'subscription_item_details';
}

export const stripeInvoiceSchema = z
  .looseObject({
    id: z.string(),
    number: orNull(z.string()),
    // API 2023-10-16 shape.
    subscription: orNull(expandableId),
    payment_intent: orNull(expandableId),
    charge: orNull(expandableId),
    // Current shape: payments live on separate invoice_payment objects.
    parent: orNull(
      z.looseObject({
        subscription_details: orNull(z.looseObject({ subscription: orNull(expandableId) })),
      }),
    ),
    amount_due: stripeAmount,
    amount_paid: stripeAmount,
    amount_remaining: stripeAmount,
    currency: stripeCurrency,
    status: orNull(z.string()),
    description: orNull(z.string()),
    hosted_invoice_url: orNull(z.string()),
    invoice_pdf: orNull(z.string()),
    lines: orNull(z.looseObject({ data: z.array(line) })),
    period_start: orNull(unixSeconds),
    period_end: orNull(unixSeconds),
    status_transitions: orNull(z.looseObject({ paid_at: orNull(unixSeconds) })),
    attempt_count: z.number().int(),
    next_payment_attempt: orNull(unixSeconds),
    billing_reason: orNull(z.string()),
    created: unixSeconds,
  })
  .transform((invoice): InvoiceSnapshot => {
    // An invoice's own period_start/end is the window its pending items were collected in, not
    // the service period a subscription invoice bills for; the subscription line carries that.
    const servicePeriod = invoice.lines?.data.find((candidate) => isSubscriptionLine(candidate) && candidate.period)?.period;
    return {
      id: invoice.id,
      number: invoice.number,
      subscriptionId: invoice.subscription ?? invoice.parent?.subscription_details?.subscription ?? null,
      paymentIntentId: invoice.payment_intent,
      chargeId: invoice.charge,
      amountDue: invoice.amount_due,
      amountPaid: invoice.amount_paid,
      amountRemaining: invoice.amount_remaining,
      currency: invoice.currency,
      status: invoice.status,
      description: invoice.description,
      hostedInvoiceUrl: invoice.hosted_invoice_url,
      invoicePdf: invoice.invoice_pdf,
      periodStart: servicePeriod?.start ?? invoice.period_start,
      periodEnd: servicePeriod?.end ?? invoice.period_end,
      paidAt: invoice.status_transitions?.paid_at ?? null,
      attemptCount: invoice.attempt_count,
      nextPaymentAttempt: invoice.next_payment_attempt,
      billingReason: invoice.billing_reason,
      created: invoice.created,
    };
  });
