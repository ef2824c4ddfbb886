import { gzipSync } from 'node:zlib';
import { eventIdForStripeEvent } from '../../domain/ids.ts';
import { EventTooLargeError, type EventStore, type Json } from '../../domain/ports/event-store.ts';
import { reduceOversizeEvent, type OversizeNote } from '../../domain/stripe/oversize-event.ts';
import { linkedObjectHints, resolveTenant, tenantHints } from '../../domain/routing/tenant-hints.ts';
import { tenantStream, UNROUTED_STREAM } from '../../domain/routing/streams.ts';
import type { StripeEventEnvelope } from '../../domain/stripe/envelope.ts';
import { translateStripeEvent, translateUnreadableStripeEvent } from '../../domain/stripe/translate.ts';
import type { StripeDomainEvent } from '../../domain/events/catalogue.ts';
import type { UnstorableReason } from '../../domain/storable-json.ts';

export interface IngestDeps {
  readonly store: EventStore;
  readonly tenantExists: (tenantId: string) => Promise<boolean>;
  /** The tenant a Stripe customer, invoice, charge or payment intent was routed to before (the routing projection). */
  readonly tenantForStripeObject: (stripeObjectId: string) => Promise<string | null>;
}

/**
 * The bytes of a verified body that could not be stored as delivered, kept in the event's
 * metadata: base64, so that nothing about them can upset jsonb, and why.
 */
export interface DeliveredBody {
  readonly reasons: readonly UnstorableReason[];
  readonly base64: string;
}

export interface IngestResult {
  /** The tenant whose stream holds the event; null when it was parked in `unrouted`. */
  readonly tenantId: string | null;
  /** The log already held this Stripe event (in this tenant's stream or another's): nothing was appended. */
  readonly duplicate: boolean;
  /** Set when the event was too large for the store and was stored without its Stripe object. */
  readonly oversize?: OversizeNote;
}

/**
 * Records one verified Stripe event: routes it to its tenant's stream (or parks it in
 * `unrouted`), translates it and appends it. Resolves only once the append is durable; the
 * event id is derived from Stripe's, so a redelivery is recognised by the store.
 */
export async function ingestStripeEvent(
  deps: IngestDeps,
  envelope: StripeEventEnvelope,
  receivedAt: Date,
  deliveredBody: DeliveredBody | null = null,
): Promise<IngestResult> {
  const hints = tenantHints(envelope);
  // A tenant id we do not know (a typo, or a tenant not created yet) cannot own a stream; the
  // event is parked with the hint and re-routed if that tenant appears.
  const namedTenant = hints.tenantId && (await deps.tenantExists(hints.tenantId)) ? hints.tenantId : null;
  let linkedTenant: string | null = null;
  for (const objectId of namedTenant ? [] : linkedObjectHints(hints)) {
    linkedTenant ??= await deps.tenantForStripeObject(objectId);
  }
  const tenantId = resolveTenant({ ...hints, tenantId: namedTenant }, linkedTenant);
  const extra: { [key: string]: Json } = hints.tenantId && !namedTenant ? { tenantHint: hints.tenantId } : {};
  return append(deps, translateStripeEvent(envelope, tenantId), receivedAt, { ...extra, ...deliveredBodyMetadata(deliveredBody) });
}

/**
 * Records a verified body that is not a readable Stripe event (say, a newer event format, or one
 * nested too deep to store) in `unrouted`, with why, so that nothing Stripe signed is lost and a
 * later version can read it.
 */
export async function recordUnreadableStripeEvent(
  deps: IngestDeps,
  unreadable: { body: Record<string, unknown>; reason: 'invalid_envelope' | 'nesting_too_deep'; detail: string },
  receivedAt: Date,
  deliveredBody: DeliveredBody | null = null,
): Promise<IngestResult> {
  const event = translateUnreadableStripeEvent(unreadable.body, unreadable.detail, unreadable.reason);
  return append(deps, event, receivedAt, deliveredBodyMetadata(deliveredBody));
}

function deliveredBodyMetadata(deliveredBody: DeliveredBody | null): { [key: string]: Json } {
  return deliveredBody ? { deliveredBody: { reasons: [...deliveredBody.reasons], base64: deliveredBody.base64 } } : {};
}

async function append(deps: IngestDeps, event: StripeDomainEvent, receivedAt: Date, extraMetadata: { [key: string]: Json }): Promise<IngestResult> {
  const metadata = { receivedAt: receivedAt.toISOString(), ...extraMetadata };
  try {
    return await appendOnce(deps, event, metadata);
  } catch (error) {
    if (!(error instanceof EventTooLargeError)) throw error;
    return appendReduced(deps, event, metadata, error);
  }
}

/**
 * Too large for the log as it is (EventStoreDB's append limit): the event without its Stripe
 * object (see reduceOversizeEvent), with that object and any delivered bytes gzipped into the
 * metadata when they then fit, which JSON of this kind nearly always does; else with their
 * digest only. Either way Stripe gets its 2xx rather than retrying for days what never fits.
 */
async function appendReduced(deps: IngestDeps, event: StripeDomainEvent, metadata: { [key: string]: Json }, tooLarge: EventTooLargeError): Promise<IngestResult> {
  const { deliveredBody, ...rest } = metadata;
  const { event: reduced, note } = reduceOversizeEvent(event, tooLarge.bytes, tooLarge.limit);
  const delivered = deliveredBody as { reasons: Json; base64: string } | undefined;
  const compressed: { [key: string]: Json } = {
    ...rest,
    ...(delivered ? { deliveredBody: { reasons: delivered.reasons, gzipBase64: gzipBase64(Buffer.from(delivered.base64, 'base64')) } } : {}),
    oversize: { ...note, objectGzipBase64: gzipBase64(Buffer.from(JSON.stringify(event.data.stripe.object))) },
  };
  try {
    return { ...(await appendOnce(deps, reduced, compressed)), oversize: note };
  } catch (error) {
    if (!(error instanceof EventTooLargeError)) throw error;
    return { ...(await appendOnce(deps, reduced, { ...rest, oversize: note })), oversize: note };
  }
}

function gzipBase64(bytes: Buffer): string {
  return gzipSync(bytes, { level: 9 }).toString('base64');
}

async function appendOnce(deps: IngestDeps, event: StripeDomainEvent, extraMetadata: { [key: string]: Json }): Promise<IngestResult> {
  const { tenantId, stripe } = event.data;
  const stripeEventId = stripe.eventId;
  const stream = tenantId ? tenantStream(tenantId) : UNROUTED_STREAM;
  const metadata: { [key: string]: Json } = { stripeEventId, ...extraMetadata };
  const result = await deps.store.append(
    stream,
    [{ id: eventIdForStripeEvent(stripeEventId), type: event.type, data: event.data as unknown as Json, metadata }],
    { expectedRevision: 'any' },
  );
  return { tenantId, duplicate: result.duplicates.length > 0 };
}
