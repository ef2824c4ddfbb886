import Stripe from 'stripe';

export const SIGNATURE_TOLERANCE_SECONDS = 300;

export type SignatureFailure = 'missing_signature' | 'malformed_signature' | 'timestamp_outside_tolerance' | 'no_matching_signature';

export class WebhookSignatureError extends Error {
  override readonly name = 'WebhookSignatureError';
  readonly reason: SignatureFailure;
  constructor(reason: SignatureFailure) {
    super(`webhook signature rejected: ${reason.replaceAll('_', ' ')}`);
    this.reason = reason;
  }
}

function classify(error: unknown): SignatureFailure {
  const message = error instanceof Error ? error.message : '';
  if (/tolerance/i.test(message)) return 'timestamp_outside_tolerance';
  if (/unable to extract/i.test(message)) return 'malformed_signature';
  return 'no_matching_signature';
}

/**
 * Verifies the `Stripe-Signature` header over the raw body with Stripe's own library, trying
 * each configured secret so that a secret can be rolled without dropping deliveries.
 */
export function verifyStripeSignature(rawBody: Buffer, header: string | undefined, secrets: readonly string[], nowSeconds?: number): void {
  if (!header) throw new WebhookSignatureError('missing_signature');
  let failure: SignatureFailure = 'no_matching_signature';
  for (const secret of secrets) {
    try {
      Stripe.webhooks.signature!.verifyHeader(rawBody, header, secret, SIGNATURE_TOLERANCE_SECONDS, undefined, nowSeconds);
      return;
    } catch (error) {
      const reason = classify(error);
      // A stale timestamp or a garbled header fails for every secret alike: report that.
      if (reason !== 'no_matching_signature') failure = reason;
    }
  }
  throw new WebhookSignatureError(failure);
}

/** A `Stripe-Signature` header as Stripe computes it; for tests, simulators and benchmarks. */
export function signStripePayload(payload: string, secret: string, timestampSeconds = Math.floor(Date.now() / 1000)): string {
  return Stripe.webhooks.generateTestHeaderString({ payload, secret, timestamp: timestampSeconds });
}
