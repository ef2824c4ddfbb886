import { isRecord } from '../../domain/is-record.ts';
import { stripeEventEnvelopeSchema, type StripeEventEnvelope } from '../../domain/stripe/envelope.ts';

export type ReadStripeEvent =
  | { readonly ok: true; readonly envelope: StripeEventEnvelope }
  /** `body` is set when the JSON is an object with an id: verified, so worth recording anyway. */
  | { readonly ok: false; readonly reason: 'invalid_json' | 'invalid_envelope'; readonly detail: string; readonly body: Record<string, unknown> | null };

/** A verified webhook body as a Stripe event envelope, or why it is not one. */
export function readStripeEvent(raw: Buffer | string): ReadStripeEvent {
  let json: unknown;
  try {
    json = JSON.parse(raw.toString());
  } catch {
    return { ok: false, reason: 'invalid_json', detail: 'body is not valid JSON', body: null };
  }
  const parsed = stripeEventEnvelopeSchema.safeParse(json);
  if (parsed.success) return { ok: true, envelope: parsed.data };
  const detail = parsed.error.issues.map((i) => `${i.path.join('.') || 'body'}: ${i.message}`).join('; ');
  const body = isRecord(json) && typeof json.id === 'string' && json.id.trim() !== '' ? json : null;
  return { ok: false, reason: 'invalid_envelope', detail, body };
}
