import type { DomainEvent } from '../events/catalogue.ts';
import type { ProvisioningStep } from '../events/process-events.ts';
import { backoffMs, type BackoffPolicy } from './backoff.ts';
import type { ProvisioningState } from './provisioning-state.ts';

export interface RetryPolicy extends BackoffPolicy {
  /** Retries after a step's first failure before the process is delayed (3). */
  readonly retries: number;
  /** A delayed process tries again by itself after this long (an operator can retry sooner). */
  readonly delayedRetryMs: number;
}

const seconds = (ms: number) => Math.ceil(ms / 1000);

/**
 * The events recording a failed try of `step` at `nowMs`: the failure with when it is retried,
 * or, once the retries are spent, the failure, the delay and the operator alert.
 */
export function stepFailureEvents(
  state: ProvisioningState,
  step: ProvisioningStep,
  attempt: number,
  error: string,
  nowMs: number,
  policy: RetryPolicy,
  random: () => number,
): DomainEvent[] {
  const tenantId = state.tenantId!;
  const at = Math.floor(nowMs / 1000);
  const failures = state.failures + 1;
  if (failures <= policy.retries) {
    const retryAt = seconds(nowMs + backoffMs(failures, policy, random));
    return [{ type: 'ProvisioningStepFailed', data: { tenantId, at, step, attempt, error, retryAt } }];
  }
  const retryAt = seconds(nowMs + policy.delayedRetryMs);
  const summary = `provisioning of tenant ${tenantId} is delayed: step ${step} failed ${failures} times (last: ${error})`;
  return [
    { type: 'ProvisioningStepFailed', data: { tenantId, at, step, attempt, error, retryAt: null } },
    { type: 'ProvisioningDelayed', data: { tenantId, at, step, reason: error, retryAt } },
    { type: 'OperatorAlertRaised', data: { tenantId, at, process: 'provisioning', summary } },
  ];
}
