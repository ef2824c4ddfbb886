export interface BackoffPolicy {
  /** The wait before the first retry; doubled for each one after. */
  readonly baseMs: number;
  /** No wait is longer than this. */
  readonly maxMs: number;
}

/**
 * Exponential backoff with "equal jitter": half the doubled wait is fixed, half random, so
 * retries of many tenants failing together spread out yet never come back at once.
 * `random` returns [0, 1) (Math.random in production, fixed in tests).
 */
export function backoffMs(retry: number, policy: BackoffPolicy, random: () => number): number {
  const exponential = Math.min(policy.maxMs, policy.baseMs * 2 ** Math.max(0, retry - 1));
  return Math.round(exponential / 2 + random() * (exponential / 2));
}
