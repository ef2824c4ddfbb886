import { randomUUID } from 'node:crypto';
import { parseDomainEvent, type DomainEvent } from '../../../../domain/events/catalogue.ts';
import { uuidV5 } from '../../../../domain/ids.ts';
import type { EventStore, ExpectedRevision, Json, NewEvent } from '../../../../domain/ports/event-store.ts';
import { evolveProvisioning, NOT_STARTED, type ProvisioningState } from '../../../../domain/provisioning/provisioning-state.ts';
import { loadProcess, recordSteps, type LoadedProcess } from '../process-stream.ts';

export const PROVISIONING_STREAM_PREFIX = 'provisioning-';
export const provisioningStream = (tenantId: string) => `${PROVISIONING_STREAM_PREFIX}${tenantId}`;

/** Fixed for ever: the id of a tenant's ProvisioningStarted is derived from it, so a second start is a duplicate. */
const PROVISIONING_NAMESPACE = '3f0c9a52-6f43-4d7e-9a1b-0d2c5e8b7a61';

export const provisioningStartedId = (tenantId: string) => uuidV5(`provisioning-started:${tenantId}`, PROVISIONING_NAMESPACE);

export function loadProvisioning(store: EventStore, tenantId: string): Promise<LoadedProcess<ProvisioningState>> {
  return loadProcess(store, provisioningStream(tenantId), NOT_STARTED, (state, recorded) =>
    evolveProvisioning(state, parseDomainEvent(recorded.type, recorded.data), recorded.id),
  );
}

/**
 * Records events in order after exactly the stream `loaded` read, each caused by the one before
 * (the first by the stream's last event) and correlated with the run. Returns the new process
 * as it now stands, so a caller goes on from it without re-reading.
 */
export async function recordProvisioning(
  store: EventStore,
  loaded: LoadedProcess<ProvisioningState>,
  events: readonly DomainEvent[],
): Promise<LoadedProcess<ProvisioningState>> {
  let state = loaded.state;
  const newEvents: NewEvent[] = events.map((event) => {
    const id = randomUUID();
    const metadata = { correlationId: state.correlationId, causationId: state.lastEventId };
    state = evolveProvisioning(state, event, id);
    return { id, type: event.type, data: event.data as unknown as Json, metadata };
  });
  const expected: ExpectedRevision = await recordSteps(store, provisioningStream(state.tenantId!), loaded.expected, newEvents);
  return { state, expected };
}
