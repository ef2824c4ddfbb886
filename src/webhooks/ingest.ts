import { eventIdForStripeEvent } from '../../domain/ids.ts';
import type { EventStore, Json } from '../../domain/ports/event-store.ts';
import { resolveTenant, tenantHints } from '../../domain/routing/tenant-hints.ts';
import { tenantStream, UNROUTED_STREAM } from '../../domain/routing/streams.ts';
import type { StripeEventEnvelope } from '../../domain/stripe/envelope.ts';
import { translateStripeEvent } from '../../domain/stripe/translate.ts';

export interface IngestDeps {
  readonly store: EventStore;
  readonly tenantExists: (tenantId: string) => Promise<boolean>;
  /** The tenant a Stripe customer or invoice was routed to before (the routing projection). */
  readonly tenantForStripeObject: (stripeObjectId: string) => Promise<string | null>;
}

export interface IngestResult {
  readonly stripeEventId: string;
  readonly stripeType: string;
  readonly domainType: string;
  readonly tenantId: string | null;
  readonly stream: string;
  /** The stream already held this Stripe event: nothing was appended. */
  readonly duplicate: boolean;
}

/**
 * Records one verified Stripe event: routes it to its tenant's stream (or parks it in
 * `unrouted`), translates it and appends it. Resolves only once the append is durable; the
 * event id is derived from Stripe's, so a redelivery is recognised by the store.
 */
export async function ingestStripeEvent(deps: IngestDeps, envelope: StripeEventEnvelope, receivedAt: Date): Promise<IngestResult> {
  const hints = tenantHints(envelope);
  // A tenant id we do not know (a typo, or a tenant not created yet) cannot own a stream; the
  // event is parked with the hint and re-routed if that tenant appears.
  const namedTenant = hints.tenantId && (await deps.tenantExists(hints.tenantId)) ? hints.tenantId : null;
  let linkedTenant: string | null = null;
  for (const objectId of namedTenant ? [] : [hints.customerId, hints.invoiceId]) {
    linkedTenant ??= objectId ? await deps.tenantForStripeObject(objectId) : null;
  }
  const tenantId = resolveTenant({ ...hints, tenantId: namedTenant }, linkedTenant);
  const event = translateStripeEvent(envelope, tenantId);
  const stream = tenantId ? tenantStream(tenantId) : UNROUTED_STREAM;
  const metadata: { [key: string]: Json } = { stripeEventId: envelope.id, receivedAt: receivedAt.toISOString() };
  if (hints.tenantId && !namedTenant) metadata.tenantHint = hints.tenantId;
  const result = await deps.store.append(
    stream,
    [{ id: eventIdForStripeEvent(envelope.id), type: event.type, data: event.data as unknown as Json, metadata }],
    { expectedRevision: 'any' },
  );
  return {
    stripeEventId: envelope.id,
    stripeType: envelope.type,
    domainType: event.type,
    tenantId,
    stream,
    duplicate: result.duplicates.length > 0,
  };
}
