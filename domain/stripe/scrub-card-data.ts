import { isRecord } from '../is-record.ts';

/** The only card fields the ledger may keep: enough to show "Visa •••• 4242, expires 8/30". */
const KEPT_CARD_FIELDS = ['brand', 'last4', 'exp_month', 'exp_year', 'funding', 'country'] as const;

/**
 * A deep copy of a Stripe object holding no more of any card than KEPT_CARD_FIELDS and no
 * fingerprint anywhere: a fingerprint identifies a card across merchants, so we never store it.
 */
export function scrubCardData(object: Record<string, unknown>): Record<string, unknown> {
  return scrubRecord(object);
}

function scrubValue(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(scrubValue);
  if (isRecord(value)) return scrubRecord(value);
  return value;
}

function scrubRecord(record: Record<string, unknown>): Record<string, unknown> {
  const copy: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(record)) {
    if (key === 'fingerprint') continue;
    copy[key] = key === 'card' && isRecord(value) ? keepCardFields(value) : scrubValue(value);
  }
  return copy;
}

function keepCardFields(card: Record<string, unknown>): Record<string, unknown> {
  const kept: Record<string, unknown> = {};
  for (const field of KEPT_CARD_FIELDS) {
    if (Object.hasOwn(card, field)) kept[field] = scrubValue(card[field]);
  }
  return kept;
}
