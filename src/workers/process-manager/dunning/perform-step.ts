import type { PendingStep } from '../../../../domain/dunning/due.ts';
import { activationConfirmation, dunningNotice } from '../../../../domain/dunning/messages.ts';
import { dunningStream, type PlannedEvent } from '../../../../domain/dunning/planned-event.ts';
import { accessChange, claimEmail, claimOf, emailKeyFor, emailSent } from '../../../../domain/dunning/steps.ts';
import type { ProcessContext } from '../process.ts';
import { recordExactly } from './record.ts';
import { tenantEmail } from '../tenant-facts.ts';

type EmailStep = Extract<PendingStep, { kind: 'notice' | 'confirm-activation' }>;

export interface StepOutcome {
  readonly recorded: readonly PlannedEvent[];
  readonly revision: bigint;
}

export const unixNow = (context: ProcessContext) => Math.floor(context.clock.now().getTime() / 1000);

/**
 * An email step, in the order that makes a crash harmless: (1) claim it with an exact expected
 * revision; only the instance whose claim lands goes on, so two instances never both send;
 * (2) send, with an idempotency key fixed by the step; (3) record it sent. A claim without a
 * record is this instance's own failed try (sent again at its next try) or another instance's:
 * left to it while it may still be sending, and taken over with a new claim once it is old enough
 * that its holder must have stopped (CLAIM_TAKEOVER_SECONDS). The email then goes with the same
 * key (the outbox keeps one message per key; SMTP carries it as the Message-ID), so nothing is
 * skipped and nothing reaches the tenant twice. Recording before sending would lose the email on
 * a crash in between; sending without a claim would let a second instance send too.
 */
async function performEmail(tenantId: string, step: EmailStep, revision: bigint, context: ProcessContext, own: Set<string>, planNameForPrice: (priceId: string | null) => string | null): Promise<StepOutcome> {
  const stream = dunningStream(tenantId);
  const recorded: PlannedEvent[] = [];
  let claimId = claimOf(step)?.id ?? null;
  if (claimId === null || !own.has(claimId)) {
    const claim = claimEmail(tenantId, step, unixNow(context));
    revision = await recordExactly(context.store, stream, revision, [claim]);
    own.add(claim.id);
    recorded.push(claim);
    claimId = claim.id;
  }
  const to = await tenantEmail(context.store, tenantId);
  const what = step.kind === 'notice' ? { invoiceId: step.run.invoiceId, step: step.step } : { subscriptionId: step.activation.subscriptionId, step: 'activation-confirmation' };
  let messageId: string | null = null;
  if (to === null) {
    context.logger.warn({ tenantId, ...what }, 'dunning: the tenant has no email address on record; the email is recorded as not delivered');
  } else {
    const content = step.kind === 'notice' ? dunningNotice(step.run, step.step) : activationConfirmation(step.activation, planNameForPrice(step.activation.priceId));
    ({ messageId } = await context.ports.mailer.send({ to, ...content, idempotencyKey: emailKeyFor(tenantId, step), tenantId }));
  }
  const sent = emailSent(tenantId, step, claimId, { recipient: to, messageId }, unixNow(context));
  revision = await recordExactly(context.store, stream, revision, [sent]);
  own.delete(claimId);
  recorded.push(sent);
  context.logger.info({ tenantId, ...what, delivered: to !== null }, 'dunning: email sent');
  return { recorded, revision };
}

/**
 * Performs one due step on the stream as read at `revision`; a WrongExpectedRevisionError means
 * another instance got there first. `own` holds the claims this instance took and has not yet
 * recorded as sent.
 */
export async function performStep(
  tenantId: string,
  step: PendingStep,
  revision: bigint,
  context: ProcessContext,
  own: Set<string>,
  planNameForPrice: (priceId: string | null) => string | null,
): Promise<StepOutcome> {
  if (step.kind === 'notice' || step.kind === 'confirm-activation') return performEmail(tenantId, step, revision, context, own, planNameForPrice);
  const change = accessChange(tenantId, step, unixNow(context));
  const next = await recordExactly(context.store, dunningStream(tenantId), revision, [change]);
  context.logger.info({ tenantId, event: change.type, ...(step.kind === 'suspend' ? { invoiceId: step.run.invoiceId } : { subscriptionId: step.revocation.subscriptionId }) }, 'dunning: access changed');
  return { recorded: [change], revision: next };
}
