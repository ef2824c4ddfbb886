import { z } from 'zod';
import { currencyCode, stripeAmount } from '../money.ts';
import { commonEventDataSchema, unixSeconds } from './common.ts';

export const invoiceSnapshotSchema = z.object({
  id: z.string(),
  number: z.string().nullable(),
  subscriptionId: z.string().nullable(),
  paymentIntentId: z.string().nullable(),
  chargeId: z.string().nullable(),
  amountDue: stripeAmount,
  amountPaid: stripeAmount,
  amountRemaining: stripeAmount,
  currency: currencyCode,
  status: z.string().nullable(),
  description: z.string().nullable(),
  hostedInvoiceUrl: z.string().nullable(),
  invoicePdf: z.string().nullable(),
  /** The subscription line's service period when the invoice has one, else the invoice's own period. */
  periodStart: unixSeconds.nullable(),
  periodEnd: unixSeconds.nullable(),
  paidAt: unixSeconds.nullable(),
  attemptCount: z.number().int(),
  nextPaymentAttempt: unixSeconds.nullable(),
  billingReason: z.string().nullable(),
  created: unixSeconds,
});

/** InvoicePaid, InvoicePaymentFailed and InvoicePaymentActionRequired share it. */
export const invoiceEventDataSchema = commonEventDataSchema.extend({
  invoice: invoiceSnapshotSchema,
});

export const invoicePaymentSnapshotSchema = z.object({
  id: z.string(),
  invoiceId: z.string(),
  paymentIntentId: z.string().nullable(),
  chargeId: z.string().nullable(),
  amountPaid: stripeAmount.nullable(),
  currency: currencyCode,
});

export const invoicePaymentPaidSchema = commonEventDataSchema.extend({
  invoicePayment: invoicePaymentSnapshotSchema,
});

export type InvoiceSnapshot = z.output<typeof invoiceSnapshotSchema>;
export type InvoiceEventData = z.output<typeof invoiceEventDataSchema>;
export type InvoicePaymentSnapshot = z.output<typeof invoicePaymentSnapshotSchema>;
export type InvoicePaymentPaidData = z.output<typeof invoicePaymentPaidSchema>;
