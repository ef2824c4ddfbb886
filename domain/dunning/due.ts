import type { DunningStep } from '../events/dunning-events.ts';
import type { Activation, DunningRun, DunningState, Revocation } from './state.ts';

/** An activation the ledger learns of later than this after Stripe's event gets no email (a replay of old history, a late start). */
export const ACTIVATION_EMAIL_MAX_AGE_SECONDS = 2 * 86_400;

/** A step the process still has to perform, and from when. */
export type PendingStep =
  | { readonly kind: 'notice'; readonly dueAt: number; readonly run: DunningRun; readonly step: DunningStep; readonly claimId: string | null }
  | { readonly kind: 'suspend'; readonly dueAt: number; readonly run: DunningRun }
  | { readonly kind: 'revoke'; readonly dueAt: number; readonly revocation: Revocation }
  | { readonly kind: 'confirm-activation'; readonly dueAt: number; readonly activation: Activation };

/**
 * Only the first step of a run not yet done is pending: a run's steps happen in schedule order,
 * one after the other, so the suspension can never come before the final warning.
 */
function pendingOfRun(run: DunningRun): PendingStep[] {
  if (run.resolved) return [];
  const next = run.schedule.find((scheduled) => !run.done.includes(scheduled.step));
  if (!next) return [];
  if (next.action === 'suspend') return [{ kind: 'suspend', dueAt: next.dueAt, run }];
  return [{ kind: 'notice', dueAt: next.dueAt, run, step: next.step, claimId: run.sending.get(next.step) ?? null }];
}

export function activationEmailWanted(activation: Activation): boolean {
  return !activation.confirmed && activation.requestedAt - activation.stripeCreated <= ACTIVATION_EMAIL_MAX_AGE_SECONDS;
}

/** Everything still to do, soonest first (ties in the order runs, revocations, activations). */
export function pendingSteps(state: DunningState): PendingStep[] {
  const steps: PendingStep[] = [...state.runs.values()].flatMap(pendingOfRun);
  for (const revocation of state.revocations.values()) {
    if (revocation.state === 'scheduled') steps.push({ kind: 'revoke', dueAt: revocation.revokeAt, revocation });
  }
  for (const activation of state.activations.values()) {
    if (activationEmailWanted(activation)) steps.push({ kind: 'confirm-activation', dueAt: activation.requestedAt, activation });
  }
  return steps.sort((a, b) => a.dueAt - b.dueAt);
}

/** The steps due at `now` (Unix seconds), in the order to perform them. */
export function dueSteps(state: DunningState, now: number): PendingStep[] {
  return pendingSteps(state).filter((step) => step.dueAt <= now);
}

/** When the next step falls due (possibly already past), or null when nothing is pending. */
export function nextDueAt(state: DunningState): number | null {
  return pendingSteps(state)[0]?.dueAt ?? null;
}
