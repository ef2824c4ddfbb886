import { OperatorError } from '../../../../domain/operator-error.ts';
import type { ProvisioningStep } from '../../../../domain/events/process-events.ts';
import { WrongExpectedRevisionError, type EventStore } from '../../../../domain/ports/event-store.ts';
import { loadProvisioning, recordProvisioning } from './provisioning-stream.ts';

/**
 * An operator's `ledger provisioning retry`: records the request in the tenant's provisioning
 * stream, and the process manager resumes from the failed step (at once, or at its next poll
 * when it runs in another process).
 */
export async function requestProvisioningRetry(store: EventStore, tenantId: string, requestedBy: string, now: Date): Promise<{ step: ProvisioningStep }> {
  const loaded = await loadProvisioning(store, tenantId);
  const { state } = loaded;
  if (state.tenantId === null) throw new OperatorError(`provisioning has not started for tenant ${tenantId}: it starts after the tenant's first paid checkout or active subscription`);
  if (state.ready) throw new OperatorError(`provisioning of tenant ${tenantId} is already ready: nothing to retry`);
  const step = state.delayed?.step ?? state.failed?.step;
  if (!step) throw new OperatorError(`provisioning of tenant ${tenantId} has no failed step: nothing to retry (see \`ledger provisioning status ${tenantId}\`)`);
  try {
    await recordProvisioning(store, loaded, [{ type: 'ProvisioningRetryRequested', data: { tenantId, at: Math.floor(now.getTime() / 1000), step, requestedBy } }]);
  } catch (error) {
    if (error instanceof WrongExpectedRevisionError) throw new OperatorError(`provisioning of tenant ${tenantId} moved on while the retry was being recorded; check \`ledger provisioning status ${tenantId}\` and retry if still needed`);
    throw error;
  }
  return { step };
}
