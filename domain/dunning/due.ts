import type { DunningStep } from '../events/dunning-events.ts';
import type { Activation, DunningRun, DunningState, EmailClaim, Revocation } from './state.ts';

/** An activation the ledger learns of later than this after Stripe's event gets no email (a replay of old history, a late start). */
export const ACTIVATION_EMAIL_MAX_AGE_SECONDS = 2 * 86_400;

/**
 * How long an email claimed by another instance is left to it before this one takes it over.
 * While the claim's holder may still be sending, a second sender would reach the tenant twice
 * (the idempotency key stops the outbox, not every SMTP relay); after an instance stopped
 * mid-send, the email must still go. Far beyond the longest send (PROVIDER_TIMEOUT_MS, 15 s by
 * default): a notice a stopped instance left goes out ten minutes late, never twice at once.
 */
export const CLAIM_TAKEOVER_SECONDS = 600;

/** A step the process still has to perform, and from when. */
export type PendingStep =
  | { readonly kind: 'notice'; readonly dueAt: number; readonly run: DunningRun; readonly step: DunningStep; readonly claim: EmailClaim | null }
  | { readonly kind: 'suspend'; readonly dueAt: number; readonly run: DunningRun }
  | { readonly kind: 'revoke'; readonly dueAt: number; readonly revocation: Revocation }
  | { readonly kind: 'confirm-activation'; readonly dueAt: number; readonly activation: Activation };

/** Claims this instance took itself (its own it may retry at once); null: none. */
export type OwnClaims = ReadonlySet<string> | null;

/** An email already claimed is due again when its claim may be taken over, or at once if the claim is ours. */
function claimedDueAt(dueAt: number, claim: EmailClaim | null, own: OwnClaims): number {
  if (claim === null || own?.has(claim.id)) return dueAt;
  return Math.max(dueAt, claim.at + CLAIM_TAKEOVER_SECONDS);
}

/**
 * Only the first step of a run not yet done is pending: a run's steps happen in schedule order,
 * one after the other, so the suspension can never come before the final warning.
 */
function pendingOfRun(run: DunningRun, own: OwnClaims): PendingStep[] {
  if (run.resolved) return [];
  const next = run.schedule.find((scheduled) => !run.done.includes(scheduled.step));
  if (!next) return [];
  if (next.action === 'suspend') return [{ kind: 'suspend', dueAt: next.dueAt, run }];
  const claim = run.sending.get(next.step) ?? null;
  return [{ kind: 'notice', dueAt: claimedDueAt(next.dueAt, claim, own), run, step: next.step, claim }];
}

export function activationEmailWanted(activation: Activation): boolean {
  return !activation.confirmed && activation.requestedAt - activation.stripeCreated <= ACTIVATION_EMAIL_MAX_AGE_SECONDS;
}

/** Everything still to do, soonest first (ties in the order runs, revocations, activations). */
export function pendingSteps(state: DunningState, own: OwnClaims = null): PendingStep[] {
  const steps: PendingStep[] = [...state.runs.values()].flatMap((run) => pendingOfRun(run, own));
  for (const revocation of state.revocations.values()) {
    if (revocation.state === 'scheduled') steps.push({ kind: 'revoke', dueAt: revocation.revokeAt, revocation });
  }
  for (const activation of state.activations.values()) {
    if (activationEmailWanted(activation)) steps.push({ kind: 'confirm-activation', dueAt: claimedDueAt(activation.requestedAt, activation.claim, own), activation });
  }
  return steps.sort((a, b) => a.dueAt - b.dueAt);
}

/** The steps due at `now` (Unix seconds), in the order to perform them. */
export function dueSteps(state: DunningState, now: number, own: OwnClaims = null): PendingStep[] {
  return pendingSteps(state, own).filter((step) => step.dueAt <= now);
}

/** When the next step falls due (possibly already past), or null when nothing is pending. */
export function nextDueAt(state: DunningState, own: OwnClaims = null): number | null {
  return pendingSteps(state, own)[0]?.dueAt ?? null;
}
