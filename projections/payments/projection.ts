import { TENANT_STREAM_PREFIX } from '../../domain/routing/streams.ts';
import type { Projection, ProjectionDb } from '../projection.ts';
import { selectRowsMatching, upsertRows } from '../row-queries.ts';
import { addStripeIds, foldPayments, PAYMENT_EVENT_TYPES, paymentsRows, stripeIdsOf, type PaymentsRows, type StripeIds } from './evolve.ts';
import type { InvoicePaymentLinkRow, PaymentRow, RefundRow } from './rows.ts';
import { createPaymentsIndexes, createPaymentsTables } from './tables.ts';

/** One row per paid invoice, net of refunds; refunds and the invoice's payment ids may arrive before or after it. */
export const paymentsProjection: Projection = {
  name: 'payments',
  // 2: a payment not refunded is `succeeded` (version 1 stored `paid`).
  // 3: invoice.payment_succeeded counts as the invoice's payment too (one row either way).
  version: 3,
  streamPrefixes: [TENANT_STREAM_PREFIX],
  tables: ['payments', 'payment_refunds', 'invoice_payment_links'],
  eventTypes: new Set(PAYMENT_EVENT_TYPES),
  createTables: createPaymentsTables,
  createIndexes: createPaymentsIndexes,

  async applyBatch(db, events) {
    const domainEvents = events.map(({ event }) => event);
    const rows = await readRows(db, stripeIdsOf(domainEvents));
    foldPayments(rows, domainEvents);
    await upsertRows(db, 'invoice_payment_links', 'stripe_invoice_id', rows.links.written());
    await upsertRows(db, 'payment_refunds', 'stripe_charge_id', rows.refunds.written());
    await upsertRows(db, 'payments', 'id', rows.payments.written());
  },
};

/**
 * Every row folding the batch can read: the links, payments and refunds its events name, and the
 * refunds that count towards those payments. A payment can take its intent and charge ids from
 * its link, and counts every refund in its tenant that shares any id with it, so each read widens
 * the ids the next one looks for.
 */
async function readRows(db: ProjectionDb, ids: StripeIds): Promise<PaymentsRows> {
  const links = await selectRowsMatching<InvoicePaymentLinkRow>(db, 'invoice_payment_links', { stripe_invoice_id: ids.stripe_invoice_id });
  for (const link of links) addStripeIds(ids, link);
  // A refunded charge seen before may have named an intent or invoice this delivery leaves out.
  const knownRefunds = await selectRowsMatching<RefundRow>(db, 'payment_refunds', { stripe_charge_id: ids.stripe_charge_id });
  for (const refund of knownRefunds) addStripeIds(ids, refund);
  const payments = await selectRowsMatching<PaymentRow>(db, 'payments', ids);
  for (const payment of payments) addStripeIds(ids, payment);
  const refunds = await selectRowsMatching<RefundRow>(db, 'payment_refunds', ids);
  return paymentsRows({ payments, refunds, links });
}
