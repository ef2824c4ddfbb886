import type { PendingStep } from './due.ts';
import { dunningEventId, planned, type PlannedEvent } from './planned-event.ts';

/** The idempotency key of an email: the same notice of the same run always has the same key. */
export function emailKeyFor(tenantId: string, step: Extract<PendingStep, { kind: 'notice' | 'confirm-activation' }>): string {
  return step.kind === 'notice' ? `dunning/${tenantId}/${step.run.invoiceId}/${step.step}` : `activation/${tenantId}/${step.activation.subscriptionId}`;
}

/**
 * The claim recorded before an email is sent: appended with an exact expected revision, so of two
 * instances only the one whose claim lands sends. A claimed email is sent again (same key) after a
 * crash, and only then recorded as sent.
 */
export function claimEmail(tenantId: string, step: Extract<PendingStep, { kind: 'notice' | 'confirm-activation' }>, now: number): PlannedEvent {
  const idempotencyKey = emailKeyFor(tenantId, step);
  if (step.kind === 'notice') {
    return planned(
      'DunningNoticeSending',
      { tenantId, at: now, invoiceId: step.run.invoiceId, step: step.step, idempotencyKey },
      { id: dunningEventId(tenantId, `notice-sending/${step.run.invoiceId}/${step.step}`), correlationId: step.run.correlationId, causationId: step.run.correlationId },
    );
  }
  const subscriptionId = step.activation.subscriptionId;
  return planned(
    'ActivationConfirmationSending',
    { tenantId, at: now, subscriptionId, idempotencyKey },
    { id: dunningEventId(tenantId, `activation-sending/${subscriptionId}`), correlationId: step.activation.correlationId, causationId: step.activation.correlationId },
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
