import { isRecord } from '../../domain/is-record.ts';
import { decodeUtf8, MAX_JSON_DEPTH, storableJson, type UnstorableReason } from '../../domain/storable-json.ts';
import { stripeEventEnvelopeSchema, type StripeEventEnvelope } from '../../domain/stripe/envelope.ts';

export type ReadStripeEvent = (
  | { readonly ok: true; readonly envelope: StripeEventEnvelope }
  | { readonly ok: false; readonly reason: 'invalid_json'; readonly detail: string; readonly body: null }
  /**
   * `body` is set when the JSON is an object with an id: verified, so worth recording anyway. For
   * nesting_too_deep it holds only the body's top-level scalar fields, so that nothing recursive
   * ever meets the deep value.
   */
  | {
      readonly ok: false;
      readonly reason: 'invalid_envelope' | 'nesting_too_deep';
      readonly detail: string;
      readonly body: Record<string, unknown> | null;
    }
) & {
  /**
   * Why the body as delivered cannot be stored as it is (empty when it can): its strings were
   * repaired for storage, or it nests too deep to be stored as JSON at all. The caller keeps the
   * delivered bytes with the event when this is not empty.
   */
  readonly unstorable: readonly UnstorableReason[];
};

/** A verified webhook body as a Stripe event envelope, or why it is not one. */
export function readStripeEvent(raw: Uint8Array | string): ReadStripeEvent {
  const { text, invalidUtf8 } = typeof raw === 'string' ? { text: raw, invalidUtf8: false } : decodeUtf8(raw);
  const decoding: UnstorableReason[] = invalidUtf8 ? ['invalid_utf8'] : [];
  let json: unknown;
  try {
    // V8 parses iteratively, so even a body nested half a million levels deep parses.
    json = JSON.parse(text);
  } catch {
    return { ok: false, reason: 'invalid_json', detail: 'body is not valid JSON', body: null, unstorable: decoding };
  }
  const storable = storableJson(json);
  if (!storable.ok) {
    const unstorable = [...decoding, storable.reason];
    const detail = `body nests deeper than ${MAX_JSON_DEPTH} levels`;
    return { ok: false, reason: storable.reason, detail, body: withId(storable.topLevelScalars), unstorable };
  }
  const unstorable = [...decoding, ...storable.repaired];
  const parsed = stripeEventEnvelopeSchema.safeParse(storable.value);
  if (parsed.success) return { ok: true, envelope: parsed.data, unstorable };
  const detail = parsed.error.issues.map((i) => `${i.path.join('.') || 'body'}: ${i.message}`).join('; ');
  return { ok: false, reason: 'invalid_envelope', detail, body: withId(storable.value), unstorable };
}

function withId(json: unknown): Record<string, unknown> | null {
  return isRecord(json) && typeof json.id === 'string' && json.id.trim() !== '' ? json : null;
}
