import type { ProvisioningStep } from '../events/process-events.ts';
import { currentStep } from './next-step.ts';
import type { ProvisioningState } from './provisioning-state.ts';

/** What a tenant is told about its infrastructure (GET /api/v1/infrastructure, `ledger provisioning status`). */
export type InfrastructureStatus =
  | { readonly status: 'not_started' }
  | {
      readonly status: 'provisioning';
      readonly hostname: string;
      readonly step: ProvisioningStep;
      /** When a step that failed is tried again (Unix seconds); null while it runs. */
      readonly retryAt: number | null;
      readonly stepsDone: readonly ProvisioningStep[];
      readonly simulated: boolean;
    }
  | { readonly status: 'delayed'; readonly hostname: string; readonly step: ProvisioningStep; readonly message: string; readonly retryAt: number | null; readonly simulated: boolean }
  | {
      readonly status: 'ready';
      readonly hostname: string;
      readonly ip: string;
      readonly sshUser: string;
      readonly publicKeys: { readonly admin: string; readonly tenant: string };
      readonly vaultPath: string;
      readonly simulated: boolean;
      readonly readyAt: number;
    };

/** The tenant hears that we are on it; the cause is for operators (the alert, the stream). */
export const DELAYED_MESSAGE = "we're on it";

export function infrastructureStatus(state: ProvisioningState): InfrastructureStatus {
  if (state.tenantId === null || state.hostname === null) return { status: 'not_started' };
  const { ready } = state;
  if (ready) {
    const { hostname, ip, sshUser, publicKeys, vaultPath, simulated, at } = ready;
    return { status: 'ready', hostname, ip, sshUser, publicKeys, vaultPath, simulated, readyAt: at };
  }
  const simulated = Object.values(state.done).some((outcome) => outcome.simulated);
  if (state.delayed) return { status: 'delayed', hostname: state.hostname, step: state.delayed.step, message: DELAYED_MESSAGE, retryAt: state.delayed.retryAt, simulated };
  const stepsDone = Object.keys(state.done) as ProvisioningStep[];
  const retryAt = state.active ? null : (state.failed?.retryAt ?? null);
  return { status: 'provisioning', hostname: state.hostname, step: currentStep(state)!, retryAt, stepsDone, simulated };
}
