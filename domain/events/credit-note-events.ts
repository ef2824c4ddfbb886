import { z } from 'zod';
import { currencyCode, stripeAmount } from '../money.ts';
import { commonEventDataSchema, unixSeconds } from './common.ts';

/** A credit note against an invoice. */
export const creditNoteSnapshotSchema = z.object({
  id: z.string(),
  number: z.string().nullable(),
  invoiceId: z.string().nullable(),
  /** The credit note's total, tax included. */
  total: stripeAmount,
  currency: currencyCode,
  /** issued or void. */
  status: z.string(),
  reason: z.string().nullable(),
  pdf: z.string().nullable(),
  created: unixSeconds,
});

/** CreditNoteCreated and CreditNoteVoided share it. */
export const creditNoteEventDataSchema = commonEventDataSchema.extend({
  creditNote: creditNoteSnapshotSchema,
});

export type CreditNoteSnapshot = z.output<typeof creditNoteSnapshotSchema>;
export type CreditNoteEventData = z.output<typeof creditNoteEventDataSchema>;
