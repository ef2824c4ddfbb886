import { z } from 'zod';
import { currencyCode, stripeAmount } from '../money.ts';
import { unixSeconds } from './common.ts';

/**
 * The dunning process's record, in `dunning-<tenantId>` beside the access changes of
 * process-events.ts (AccessSuspended, AccessRestored, AccessRevoked). Each names its tenant and
 * when it happened (`at`, Unix seconds of the process clock); the metadata carries
 * `correlationId` (the run: the DunningStarted, AccessRevocationScheduled or
 * ActivationConfirmationRequested it belongs to) and `causationId` (the tenant event or the step
 * before). Due times are written into these events, so the timers are the stream itself.
 *
 * An email is two events: `…Sending` claims it (appended with an exact expected revision, so of
 * two instances only one goes on to send), then the send, then `…Sent`/`…Confirmed`. A crash
 * between the claim and the record sends again with the same idempotency key.
 */
const dunningEventSchema = z.object({ tenantId: z.string(), at: unixSeconds });

export const DUNNING_STEPS = ['first-notice', 'second-notice', 'final-warning', 'suspend'] as const;
export const dunningStep = z.enum(DUNNING_STEPS);
export type DunningStep = z.output<typeof dunningStep>;

export const scheduledStepSchema = z.object({
  step: dunningStep,
  action: z.enum(['email', 'suspend']),
  dueAt: unixSeconds,
});

export const dunningStartedSchema = dunningEventSchema.extend({
  invoiceId: z.string(),
  invoiceNumber: z.string().nullable(),
  subscriptionId: z.string().nullable(),
  /** The invoice's own `created`: orders invoices of one subscription. */
  invoiceCreated: unixSeconds,
  stripeEventId: z.string(),
  amountDue: stripeAmount,
  currency: currencyCode,
  /** Where every notice sends the tenant to pay: chosen once, so each notice has the same link. */
  paymentUrl: z.string(),
  schedule: z.array(scheduledStepSchema).min(1),
});

export const dunningNoticeSendingSchema = dunningEventSchema.extend({ invoiceId: z.string(), step: dunningStep, idempotencyKey: z.string() });

export const dunningNoticeSentSchema = dunningEventSchema.extend({
  invoiceId: z.string(),
  step: dunningStep,
  /** null: the tenant has no email address on record, so nothing could be sent. */
  recipient: z.string().nullable(),
  messageId: z.string().nullable(),
});

export const dunningResolvedSchema = dunningEventSchema.extend({
  invoiceId: z.string(),
  reason: z.enum(['paid', 'subscription-deleted']),
  /** The paid invoice that settled it (the same one, or a later one of the subscription). */
  paidInvoiceId: z.string().nullable(),
  stripeEventId: z.string(),
  /** Steps that had not happened yet and never will. */
  cancelledSteps: z.array(dunningStep),
});

export const accessRevocationScheduledSchema = dunningEventSchema.extend({
  subscriptionId: z.string(),
  /** The period end Stripe reported: access ends then, not before. */
  revokeAt: unixSeconds,
  stripeEventId: z.string(),
});

export const accessRevocationCancelledSchema = dunningEventSchema.extend({
  subscriptionId: z.string(),
  /** The newer subscription whose activation keeps the tenant's access. */
  supersededBy: z.string(),
  stripeEventId: z.string(),
});

export const activationConfirmationRequestedSchema = dunningEventSchema.extend({
  subscriptionId: z.string(),
  status: z.string(),
  priceId: z.string().nullable(),
  stripeEventId: z.string(),
  /** The Stripe event's `created`. */
  stripeCreated: unixSeconds,
});

export const activationConfirmationSendingSchema = dunningEventSchema.extend({ subscriptionId: z.string(), idempotencyKey: z.string() });

export const activationConfirmedSchema = dunningEventSchema.extend({
  subscriptionId: z.string(),
  recipient: z.string().nullable(),
  messageId: z.string().nullable(),
});

export type DunningStartedData = z.output<typeof dunningStartedSchema>;
export type ScheduledStep = z.output<typeof scheduledStepSchema>;
