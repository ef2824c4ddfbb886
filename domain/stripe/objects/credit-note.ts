import { z } from 'zod';
import { unixSeconds } from '../../events/common.ts';
import type { CreditNoteSnapshot } from '../../events/credit-note-events.ts';
import { stripeAmount, stripeCurrency } from '../../money.ts';
import { expandableId, orNull } from './fields.ts';

export const stripeCreditNoteSchema = z
  .looseObject({
    id: z.string(),
    number: orNull(z.string()),
    invoice: orNull(expandableId),
    total: stripeAmount,
    currency: stripeCurrency,
    status: z.string(),
    reason: orNull(z.string()),
    pdf: orNull(z.string()),
    created: unixSeconds,
  })
  .transform((note): CreditNoteSnapshot => ({
    id: note.id,
    number: note.number,
    invoiceId: note.invoice,
    total: note.total,
    currency: note.currency,
    status: note.status,
    reason: note.reason,
    pdf: note.pdf,
    created: note.created,
  }));
