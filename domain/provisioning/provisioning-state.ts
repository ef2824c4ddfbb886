import type { DomainEvent } from '../events/catalogue.ts';
import type { ProvisioningReadyData, ProvisioningStep } from '../events/process-events.ts';

export type StepResult = Readonly<Record<string, string | number | boolean | null>>;

export interface StepOutcome {
  readonly result: StepResult;
  readonly simulated: boolean;
}

/** A tenant's provisioning as its stream tells it: what is done, what failed, what waits. */
export interface ProvisioningState {
  /** Null until ProvisioningStarted. */
  readonly tenantId: string | null;
  readonly hostname: string | null;
  /** The ProvisioningStarted event's id: every later event's correlation id. */
  readonly correlationId: string | null;
  /** The last event's id: the next event's causation id. */
  readonly lastEventId: string | null;
  readonly done: Partial<Readonly<Record<ProvisioningStep, StepOutcome>>>;
  /** A step started and not (yet) done or failed: running now, or cut short by a crash. */
  readonly active: { readonly step: ProvisioningStep; readonly attempt: number; readonly at: number } | null;
  /** Tries started per step, crashed ones included: the next try's number. */
  readonly tries: Partial<Readonly<Record<ProvisioningStep, number>>>;
  /** Failures of the current step since it last succeeded, was delayed or was retried by hand. */
  readonly failures: number;
  readonly failed: { readonly step: ProvisioningStep; readonly error: string; readonly retryAt: number | null } | null;
  readonly delayed: { readonly step: ProvisioningStep; readonly reason: string; readonly retryAt: number | null } | null;
  readonly ready: ProvisioningReadyData | null;
}

export const NOT_STARTED: ProvisioningState = {
  tenantId: null,
  hostname: null,
  correlationId: null,
  lastEventId: null,
  done: {},
  active: null,
  tries: {},
  failures: 0,
  failed: null,
  delayed: null,
  ready: null,
};

/** Folds one event of a `provisioning-<tenantId>` stream into the state. */
export function evolveProvisioning(state: ProvisioningState, event: DomainEvent, eventId: string): ProvisioningState {
  const next = { ...state, lastEventId: eventId };
  switch (event.type) {
    case 'ProvisioningStarted':
      return { ...next, tenantId: event.data.tenantId, hostname: event.data.hostname, correlationId: eventId };
    case 'ProvisioningStepStarted':
      return {
        ...next,
        active: { step: event.data.step, attempt: event.data.attempt, at: event.data.at },
        tries: { ...state.tries, [event.data.step]: Math.max(state.tries[event.data.step] ?? 0, event.data.attempt) },
        delayed: null,
      };
    case 'ProvisioningStepDone':
      return { ...next, done: { ...state.done, [event.data.step]: { result: event.data.result, simulated: event.data.simulated } }, active: null, failures: 0, failed: null };
    case 'ProvisioningStepFailed':
      return { ...next, active: null, failures: state.failures + 1, failed: { step: event.data.step, error: event.data.error, retryAt: event.data.retryAt } };
    case 'ProvisioningDelayed':
      return { ...next, failures: 0, delayed: { step: event.data.step, reason: event.data.reason, retryAt: event.data.retryAt } };
    case 'ProvisioningRetryRequested':
      return { ...next, failures: 0, failed: null, delayed: null };
    case 'ProvisioningReady':
      return { ...next, ready: event.data };
    default:
      return next;
  }
}
