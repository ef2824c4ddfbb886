import type { DomainEventOf } from '../../domain/events/catalogue.ts';
import type { EventStore, Json } from '../../domain/ports/event-store.ts';
import type { ProjectedEvent } from '../../projections/projection.ts';
import { recorded } from './domain-events.ts';

/** The process manager's events as the catalogue types them, for tests of what reads them. */

export const accessSuspended = (tenantId: string, at: number, invoiceId = 'in_unpaid', reason = 'invoice unpaid for 7 days'): DomainEventOf<'AccessSuspended'> => ({
  type: 'AccessSuspended',
  data: { tenantId, at, invoiceId, reason },
});

export const accessRestored = (tenantId: string, at: number, invoiceId: string | null = 'in_unpaid', reason = 'invoice paid'): DomainEventOf<'AccessRestored'> => ({
  type: 'AccessRestored',
  data: { tenantId, at, invoiceId, reason },
});

export const accessRevoked = (tenantId: string, at: number, subscriptionId = 'sub_1', reason = 'subscription ended'): DomainEventOf<'AccessRevoked'> => ({
  type: 'AccessRevoked',
  data: { tenantId, at, subscriptionId, reason },
});

export const provisioningReady = (tenantId: string, at: number): DomainEventOf<'ProvisioningReady'> => ({
  type: 'ProvisioningReady',
  data: {
    tenantId,
    at,
    hostname: `t-${tenantId.slice(0, 8)}.example.net`,
    ip: '203.0.113.7',
    sshUser: 'admin',
    publicKeys: { admin: 'ssh-ed25519 AAAA admin', tenant: 'ssh-ed25519 AAAA tenant' },
    vaultPath: `secret/data/tenants/${tenantId}/ssh`,
    simulated: true,
  },
});

export const stepStarted = (tenantId: string, at: number, step: DomainEventOf<'ProvisioningStepStarted'>['data']['step'], attempt = 1): DomainEventOf<'ProvisioningStepStarted'> => ({
  type: 'ProvisioningStepStarted',
  data: { tenantId, at, step, attempt },
});

type ProcessEvent = DomainEventOf<'AccessSuspended' | 'AccessRestored' | 'AccessRevoked' | 'ProvisioningReady' | 'ProvisioningStepStarted'>;

/** Appends process events to `stream` as the process manager records them: each with its correlation and causation. */
export async function appendProcessEvents(
  store: EventStore,
  stream: string,
  events: readonly { id: string; event: ProcessEvent; correlationId?: string; causationId?: string }[],
): Promise<void> {
  await store.append(
    stream,
    events.map(({ id, event, correlationId, causationId }) => ({
      id,
      type: event.type,
      data: event.data as unknown as Json,
      metadata: { ...(correlationId ? { correlationId } : {}), ...(causationId ? { causationId } : {}) },
    })),
  );
}

/** Process events as the runner hands them over, recorded in `stream` at successive revisions. */
export function inStream(stream: string, events: readonly ProcessEvent[], ids: readonly string[]): ProjectedEvent[] {
  return events.map((event, index) => recorded(event, { id: ids[index]!, stream, revision: BigInt(index) }));
}
