import { createHash } from 'node:crypto';

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** An RFC 4122 UUID in its canonical text form, of any letter case. */
export function isUuid(value: string): boolean {
  return UUID.test(value);
}

/**
 * Namespace of the ids of events translated from Stripe events. Fixed for ever: changing it
 * would give redelivered Stripe events new ids, and the store would append them twice.
 */
export const STRIPE_EVENT_NAMESPACE = '7bb52db5-d8c9-4d5f-878d-1d46fd3717f0';

/** RFC 4122 name-based UUID (version 5, SHA-1): the same name in the same namespace gives the same id. */
export function uuidV5(name: string, namespace: string): string {
  if (!UUID.test(namespace)) throw new Error(`uuidV5: namespace ${JSON.stringify(namespace)} is not a UUID`);
  const hash = createHash('sha1')
    .update(Buffer.from(namespace.replaceAll('-', ''), 'hex'))
    .update(name, 'utf8')
    .digest();
  const bytes = hash.subarray(0, 16);
  bytes[6] = (bytes[6]! & 0x0f) | 0x50;
  bytes[8] = (bytes[8]! & 0x3f) | 0x80;
  const hex = bytes.toString('hex');
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`;
}

/** The domain event id for a Stripe event: a redelivery maps to the same id, so the store spots it. */
export function eventIdForStripeEvent(stripeEventId: string): string {
  return uuidV5(stripeEventId, STRIPE_EVENT_NAMESPACE);
}
