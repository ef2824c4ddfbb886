import type { PendingStep } from './due.ts';
import { dunningEventId, planned, type PlannedEvent } from './planned-event.ts';

/** The idempotency key of an email: the same notice of the same run always has the same key. */
export function emailKeyFor(tenantId: string, step: Extract<PendingStep, { kind: 'notice' | 'confirm-activation' }>): string {
  return step.kind === 'notice' ? `dunning/${tenantId}/${step.run.invoiceId}/${step.step}` : `activation/${tenantId}/${step.activation.subscriptionId}`;
}

/** The claim an email step holds, if any. */
export const claimOf = (step: Extract<PendingStep, { kind: 'notice' | 'confirm-activation' }>) => (step.kind === 'notice' ? step.claim : step.activation.claim);

/**
 * The claim recorded before an email is sent: appended with an exact expected revision, so of two
 * instances only the one whose claim lands sends. A claim left by an instance that stopped is
 * taken over with a new claim (the second, third... of the step, each its own id), which decides
 * again between instances that find it at once; the email then goes with the same key.
 */
export function claimEmail(tenantId: string, step: Extract<PendingStep, { kind: 'notice' | 'confirm-activation' }>, now: number): PlannedEvent {
  const idempotencyKey = emailKeyFor(tenantId, step);
  const previous = claimOf(step);
  // The first claim keeps the id it always had, so streams recorded before takeovers read the same.
  const attempt = previous === null ? '' : `/${previous.count + 1}`;
  if (step.kind === 'notice') {
    return planned(
      'DunningNoticeSending',
      { tenantId, at: now, invoiceId: step.run.invoiceId, step: step.step, idempotencyKey },
      { id: dunningEventId(tenantId, `notice-sending/${step.run.invoiceId}/${step.step}${attempt}`), correlationId: step.run.correlationId, causationId: previous?.id ?? step.run.correlationId },
    );
  }
  const subscriptionId = step.activation.subscriptionId;
  return planned(
    'ActivationConfirmationSending',
    { tenantId, at: now, subscriptionId, idempotencyKey },
    { id: dunningEventId(tenantId, `activation-sending/${subscriptionId}${attempt}`), correlationId: step.activation.correlationId, causationId: previous?.id ?? step.activation.correlationId },
  );
}

/** The record that a claimed email went out (`recipient` null: the tenant has no address on record). */
export function emailSent(
  tenantId: string,
  step: Extract<PendingStep, { kind: 'notice' | 'confirm-activation' }>,
  claimId: string,
  outcome: { readonly recipient: string | null; readonly messageId: string | null },
  now: number,
): PlannedEvent {
  if (step.kind === 'notice') {
    return planned(
      'DunningNoticeSent',
      { tenantId, at: now, invoiceId: step.run.invoiceId, step: step.step, ...outcome },
      { id: dunningEventId(tenantId, `notice-sent/${step.run.invoiceId}/${step.step}`), correlationId: step.run.correlationId, causationId: claimId },
    );
  }
  const subscriptionId = step.activation.subscriptionId;
  return planned(
    'ActivationConfirmed',
    { tenantId, at: now, subscriptionId, ...outcome },
    { id: dunningEventId(tenantId, `activation-confirmed/${subscriptionId}`), correlationId: step.activation.correlationId, causationId: claimId },
  );
}

/** A step with no outside effect: one event, recorded with an exact expected revision. */
export function accessChange(tenantId: string, step: Extract<PendingStep, { kind: 'suspend' | 'revoke' }>, now: number): PlannedEvent {
  if (step.kind === 'suspend') {
    const run = step.run;
    return planned(
      'AccessSuspended',
      { tenantId, at: now, invoiceId: run.invoiceId, reason: `invoice ${run.invoiceNumber ?? run.invoiceId} still unpaid after the final warning` },
      { id: dunningEventId(tenantId, `suspended/${run.invoiceId}`), correlationId: run.correlationId, causationId: run.correlationId },
    );
  }
  const revocation = step.revocation;
  return planned(
    'AccessRevoked',
    { tenantId, at: now, subscriptionId: revocation.subscriptionId, reason: 'subscription deleted; its paid period has ended' },
    { id: dunningEventId(tenantId, `revoked/${revocation.subscriptionId}`), correlationId: revocation.correlationId, causationId: revocation.correlationId },
  );
}
