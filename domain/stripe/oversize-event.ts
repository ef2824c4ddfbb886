import { createHash } from 'node:crypto';
import type { StripeDomainEvent } from '../events/catalogue.ts';
import type { Json } from '../ports/event-store.ts';
import { isRecord, setOwn } from '../is-record.ts';

/** Longest string kept of a field of an object left out of an oversize event. */
const KEPT_STRING_CHARACTERS = 1_000;

/** What an oversize event's metadata says about the part left out. */
export interface OversizeNote {
  readonly [key: string]: Json;
  readonly bytes: number;
  readonly limit: number;
  /** SHA-256 (hex) of the Stripe object as delivered (card data removed), to match Stripe's copy. */
  readonly objectSha256: string;
}

/**
 * An event too large for the log, cut down to what the ledger reads. Everything the read models
 * and routing use is in the translated fields, which are small and bounded by Stripe's own
 * limits (metadata keys and values, line counts); what makes an event large is the Stripe object
 * kept whole beside them. That object is reduced to its top-level scalar fields (long strings
 * cut short) and its previous attributes dropped; Stripe keeps the full event for 30 days
 * (`GET /v1/events/<id>`), and the digest identifies it. Answering Stripe 2xx with this is
 * better than a refusal it would retry for three days and then drop.
 */
export function reduceOversizeEvent(event: StripeDomainEvent, bytes: number, limit: number): { event: StripeDomainEvent; note: OversizeNote } {
  const { stripe } = event.data;
  const objectSha256 = createHash('sha256').update(JSON.stringify(stripe.object)).digest('hex');
  const reduced = { ...event, data: { ...event.data, stripe: { ...stripe, object: shortTopLevelScalars(stripe.object), previousAttributes: null } } };
  return { event: reduced as StripeDomainEvent, note: { bytes, limit, objectSha256 } };
}

function shortTopLevelScalars(object: Record<string, unknown>): Record<string, unknown> {
  const kept: Record<string, unknown> = {};
  if (!isRecord(object)) return kept;
  for (const [key, value] of Object.entries(object)) {
    if (typeof value === 'object' && value !== null) continue;
    setOwn(kept, shortened(key), typeof value === 'string' ? shortened(value) : value);
  }
  return kept;
}

/** Cut by code points, so a surrogate pair is never split into a lone half. */
function shortened(text: string): string {
  return text.length <= KEPT_STRING_CHARACTERS ? text : Array.from(text).slice(0, KEPT_STRING_CHARACTERS).join('');
}
