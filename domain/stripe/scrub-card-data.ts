import { isRecord, setOwn } from '../is-record.ts';

/** The only card fields the ledger may keep: enough to show "Visa •••• 4242, expires 8/30". */
const KEPT_CARD_FIELDS = ['brand', 'last4', 'exp_month', 'exp_year', 'funding', 'country'] as const;

/** A source card (`object: "card"`) also keeps what identifies it as one. */
const KEPT_SOURCE_CARD_FIELDS = ['id', 'object', ...KEPT_CARD_FIELDS] as const;

/**
 * Keys whose object is card details: `card` (payment methods, charge and setup details), and
 * the card-present details of in-person payments.
 */
const CARD_KEYS: ReadonlySet<string> = new Set(['card', 'card_present', 'interac_present']);

/**
 * A deep copy of a Stripe object holding no more of any card than KEPT_CARD_FIELDS and no
 * fingerprint anywhere: a fingerprint identifies a card across merchants, so we never store it.
 * A card is any object under a CARD_KEYS key, and any object whose `object` is `"card"` (the
 * legacy card of a charge's `source` or a customer's `sources`, wherever it sits, the scrubbed
 * object itself included).
 * It recurses: webhook bodies reach it only once storableJson has found them no deeper than
 * MAX_JSON_DEPTH, far within the stack.
 */
export function scrubCardData(object: Record<string, unknown>): Record<string, unknown> {
  return isSourceCard(object) ? keepFields(object, KEPT_SOURCE_CARD_FIELDS) : scrubRecord(object);
}

function scrubValue(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(scrubValue);
  if (isRecord(value)) return scrubCardData(value);
  return value;
}

function scrubRecord(record: Record<string, unknown>): Record<string, unknown> {
  const copy: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(record)) {
    if (key === 'fingerprint') continue;
    setOwn(copy, key, CARD_KEYS.has(key) && isRecord(value) && !isSourceCard(value) ? keepFields(value, KEPT_CARD_FIELDS) : scrubValue(value));
  }
  return copy;
}

function isSourceCard(record: Record<string, unknown>): boolean {
  return record.object === 'card';
}

function keepFields(card: Record<string, unknown>, fields: readonly string[]): Record<string, unknown> {
  const kept: Record<string, unknown> = {};
  for (const field of fields) {
    if (Object.hasOwn(card, field)) kept[field] = scrubValue(card[field]);
  }
  return kept;
}
