import { PROVISIONING_STEPS, type ProvisioningStep } from '../events/process-events.ts';
import type { ProvisioningState } from './provisioning-state.ts';

/** What provisioning should do at `now` (Unix seconds). */
export type ProvisioningAction =
  | { readonly kind: 'idle' }
  | { readonly kind: 'run'; readonly step: ProvisioningStep; readonly attempt: number }
  /** A failed step waits for its retry, or a delayed process for its next try by itself (`until` null: only by hand). */
  | { readonly kind: 'wait'; readonly until: number | null; readonly delayed: boolean };

/** How long a started try is left to the instance that claimed it before another takes over (it crashed). */
export interface ClaimTimes {
  readonly stepMs: number;
  /** The wait for the IP is a try that lasts as long as its limit. */
  readonly ipWaitMs: number;
}

export function nextProvisioningAction(state: ProvisioningState, now: number, claims: ClaimTimes): ProvisioningAction {
  if (state.tenantId === null || state.ready !== null) return { kind: 'idle' };
  if (state.active) {
    const claimedUntil = state.active.at + Math.ceil((state.active.step === 'wait-for-ip' ? claims.ipWaitMs : claims.stepMs) / 1000);
    if (claimedUntil > now) return { kind: 'wait', until: claimedUntil, delayed: false };
  }
  if (state.delayed) {
    const { retryAt } = state.delayed;
    if (retryAt === null || retryAt > now) return { kind: 'wait', until: retryAt, delayed: true };
  } else if (state.failed?.retryAt != null && state.failed.retryAt > now) {
    return { kind: 'wait', until: state.failed.retryAt, delayed: false };
  }
  const step = PROVISIONING_STEPS.find((s) => state.done[s] === undefined);
  if (step === undefined) return { kind: 'idle' };
  return { kind: 'run', step, attempt: (state.tries[step] ?? 0) + 1 };
}

/** The step the process is at: running, waiting to retry, or delayed; null when not started or ready. */
export function currentStep(state: ProvisioningState): ProvisioningStep | null {
  if (state.tenantId === null || state.ready !== null) return null;
  return state.delayed?.step ?? state.active?.step ?? PROVISIONING_STEPS.find((s) => state.done[s] === undefined) ?? null;
}
