import Stripe from 'stripe';

/** Stripe did not answer usefully (down, slow, 5xx, rate limited), or our breaker is open: try again later. */
export class StripeUnavailableError extends Error {
  override readonly name = 'StripeUnavailableError';
}

/** Stripe refused the call itself (a 4xx other than 429): retrying the same call will not help. */
export class StripeRejectedError extends Error {
  override readonly name = 'StripeRejectedError';
  readonly statusCode: number;
  readonly stripeCode: string | null;
  constructor(
    message: string,
    statusCode: number,
    stripeCode: string | null,
  ) {
    super(message);
    this.statusCode = statusCode;
    this.stripeCode = stripeCode;
  }
}

/**
 * Whether an error from the library says Stripe refused this request (a validation or card
 * error, bad key, missing object), as opposed to Stripe being unreachable or failing. Only the
 * second kind counts towards opening the circuit breaker.
 */
export function isRefusal(error: unknown): error is Stripe.errors.StripeError {
  return error instanceof Stripe.errors.StripeError && typeof error.statusCode === 'number' && error.statusCode >= 400 && error.statusCode < 500 && error.statusCode !== 429;
}

/** The library's error as one of ours; messages never include the request's parameters or key. */
export function classifyStripeError(error: unknown): Error {
  if (isRefusal(error)) return new StripeRejectedError(`Stripe refused the request: ${error.message}`, error.statusCode!, error.code ?? null);
  const cause = error instanceof Error ? error.message : String(error);
  return new StripeUnavailableError(`Stripe did not answer (${cause}); try again in a moment`);
}
