import type { DomainEventData, IntentEventType } from '../../domain/events/catalogue.ts';
import { uuidV5 } from '../../domain/ids.ts';
import type { EventStore } from '../../domain/ports/event-store.ts';
import { tenantStream } from '../../domain/routing/streams.ts';

const INTENT_NAMESPACE = 'c6f1d7e2-4b0a-5c8e-9f3d-2a7b1e6c4d90';

/**
 * Records what the tenant asked for in its stream. The id is derived from what identifies the
 * request (the Stripe object it made, or its idempotency key), so a retried request that Stripe
 * answered from its idempotency cache records nothing twice.
 */
export async function recordIntent<T extends IntentEventType>(store: EventStore, type: T, data: DomainEventData<T>, identity: string): Promise<void> {
  await store.append(tenantStream(data.tenantId), [
    { id: uuidV5(`${type}:${data.tenantId}:${identity}`, INTENT_NAMESPACE), type, data, metadata: { source: 'billing-api' } },
  ]);
}
