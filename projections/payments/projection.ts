import { sql } from 'kysely';
import { TENANT_STREAM_PREFIX } from '../../domain/routing/streams.ts';
import type { DomainEvent } from '../../domain/events/catalogue.ts';
import { uuidV5 } from '../../domain/ids.ts';
import type { Projection, ProjectionDb } from '../projection.ts';
import { fromUnixSeconds } from '../time.ts';
import { createPaymentsTables } from './tables.ts';

const PAYMENT_ROW_NAMESPACE = '8f8a1f3e-0c2b-5b8e-a6a4-6f0f4a7d2e19';

export function paymentRowId(stripeInvoiceId: string): string {
  return uuidV5(stripeInvoiceId, PAYMENT_ROW_NAMESPACE);
}

type Of<T extends DomainEvent['type']> = Extract<DomainEvent, { type: T }>;

/** One row per paid invoice; refunds and the invoice's payment ids may arrive before or after it. */
export const paymentsProjection: Projection = {
  name: 'payments',
  streamPrefixes: [TENANT_STREAM_PREFIX],
  tables: ['payments', 'payment_refunds', 'invoice_payment_links'],
  createTables: createPaymentsTables,

  async apply(db, event) {
    if (event.data.tenantId === null) return;
    switch (event.type) {
      case 'InvoicePaid':
        return recordPaidInvoice(db, event);
      case 'InvoicePaymentPaid':
        return linkInvoicePayment(db, event);
      case 'ChargeRefunded':
        return recordRefund(db, event);
      default:
        return;
    }
  },
};

async function recordPaidInvoice(db: ProjectionDb, event: Of<'InvoicePaid'>) {
  const { invoice, stripe, tenantId, customerId } = event.data;
  const link = await db
    .selectFrom('invoice_payment_links')
    .select(['stripe_payment_intent_id', 'stripe_charge_id'])
    .where('stripe_invoice_id', '=', invoice.id)
    .executeTakeFirst();
  const row = {
    id: paymentRowId(invoice.id),
    tenant_id: tenantId,
    stripe_invoice_id: invoice.id,
    stripe_payment_intent_id: invoice.paymentIntentId ?? link?.stripe_payment_intent_id ?? null,
    stripe_charge_id: invoice.chargeId ?? link?.stripe_charge_id ?? null,
    stripe_customer_id: customerId,
    stripe_subscription_id: invoice.subscriptionId,
    invoice_number: invoice.number,
    amount_minor: BigInt(invoice.amountPaid),
    currency: invoice.currency,
    status: 'paid',
    description: invoice.description ?? (invoice.number ? `Invoice ${invoice.number}` : null),
    paid_at: fromUnixSeconds(invoice.paidAt ?? stripe.created),
    period_start: fromUnixSeconds(invoice.periodStart),
    period_end: fromUnixSeconds(invoice.periodEnd),
    receipt_url: invoice.hostedInvoiceUrl,
    invoice_created: fromUnixSeconds(invoice.created),
  };
  const { id: _id, ...changes } = row;
  // A redelivered invoice.paid carries the same facts: the upsert makes it count once.
  await db.insertInto('payments').values({ ...row, amount_refunded_minor: 0n }).onConflict((oc) => oc.column('id').doUpdateSet(changes)).execute();
  await refreshRefunded(db, invoice.id);
}

async function linkInvoicePayment(db: ProjectionDb, event: Of<'InvoicePaymentPaid'>) {
  const { invoicePayment: p, tenantId } = event.data;
  await db
    .insertInto('invoice_payment_links')
    .values({ stripe_invoice_id: p.invoiceId, tenant_id: tenantId, stripe_payment_intent_id: p.paymentIntentId, stripe_charge_id: p.chargeId })
    .onConflict((oc) =>
      oc.column('stripe_invoice_id').doUpdateSet({
        stripe_payment_intent_id: sql`coalesce(excluded.stripe_payment_intent_id, invoice_payment_links.stripe_payment_intent_id)`,
        stripe_charge_id: sql`coalesce(excluded.stripe_charge_id, invoice_payment_links.stripe_charge_id)`,
      }),
    )
    .execute();
  await db
    .updateTable('payments')
    .set({
      stripe_payment_intent_id: sql`coalesce(stripe_payment_intent_id, ${p.paymentIntentId})`,
      stripe_charge_id: sql`coalesce(stripe_charge_id, ${p.chargeId})`,
    })
    .where('stripe_invoice_id', '=', p.invoiceId)
    .execute();
  await refreshRefunded(db, p.invoiceId);
}

async function recordRefund(db: ProjectionDb, event: Of<'ChargeRefunded'>) {
  const { charge, tenantId } = event.data;
  // amount_refunded is cumulative on the charge: keeping the largest seen makes redelivery and
  // out-of-order delivery harmless.
  await db
    .insertInto('payment_refunds')
    .values({
      stripe_charge_id: charge.id,
      tenant_id: tenantId,
      stripe_payment_intent_id: charge.paymentIntentId,
      stripe_invoice_id: charge.invoiceId,
      amount_refunded_minor: BigInt(charge.amountRefunded),
      currency: charge.currency,
    })
    .onConflict((oc) =>
      oc.column('stripe_charge_id').doUpdateSet({
        amount_refunded_minor: sql`greatest(payment_refunds.amount_refunded_minor, excluded.amount_refunded_minor)`,
        stripe_payment_intent_id: sql`coalesce(excluded.stripe_payment_intent_id, payment_refunds.stripe_payment_intent_id)`,
        stripe_invoice_id: sql`coalesce(excluded.stripe_invoice_id, payment_refunds.stripe_invoice_id)`,
      }),
    )
    .execute();
  const payments = await db
    .selectFrom('payments')
    .select('stripe_invoice_id')
    .where((eb) =>
      eb.or([
        eb('stripe_charge_id', '=', charge.id),
        ...(charge.paymentIntentId ? [eb('stripe_payment_intent_id', '=', charge.paymentIntentId)] : []),
        ...(charge.invoiceId ? [eb('stripe_invoice_id', '=', charge.invoiceId)] : []),
      ]),
    )
    .execute();
  for (const payment of payments) await refreshRefunded(db, payment.stripe_invoice_id as string);
}

/** Recomputes a payment's refunded total from every refund that names its invoice, intent or charge. */
async function refreshRefunded(db: ProjectionDb, stripeInvoiceId: string) {
  await sql`
    update payments p set amount_refunded_minor = coalesce((
      select sum(r.amount_refunded_minor) from payment_refunds r
      where r.tenant_id = p.tenant_id and (
        r.stripe_invoice_id = p.stripe_invoice_id
        or r.stripe_payment_intent_id = p.stripe_payment_intent_id
        or r.stripe_charge_id = p.stripe_charge_id)
    ), 0)
    where p.stripe_invoice_id = ${stripeInvoiceId}`.execute(db);
}
