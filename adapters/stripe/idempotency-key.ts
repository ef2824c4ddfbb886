import { createHash } from 'node:crypto';

/** Who asks, and which request of theirs: a client's retry carries the same `requestKey`. */
export interface CallContext {
  readonly tenantId: string;
  /** The client's Idempotency-Key header, or a stand-in for "this request" (see billing-actions). */
  readonly requestKey: string;
}

/**
 * The Idempotency-Key of a mutating call: a hash of the operation, the tenant, the parameters and
 * the request, so the same request repeated (by the client, or by the library's network retries)
 * gets Stripe's first answer back instead of a second object, and two different requests never
 * share a key. Keys are stable across processes, so any instance replays the same call alike.
 */
export function idempotencyKey(operation: string, context: CallContext, params: unknown): string {
  const digest = createHash('sha256').update(JSON.stringify([operation, context.tenantId, context.requestKey, canonical(params)])).digest('hex');
  return `ledger-${operation}-${digest.slice(0, 48)}`;
}

/** Key order must not change the key: objects are sorted recursively. */
function canonical(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(canonical);
  if (value && typeof value === 'object') {
    return Object.fromEntries(Object.entries(value).filter(([, v]) => v !== undefined).sort(([a], [b]) => (a < b ? -1 : 1)).map(([k, v]) => [k, canonical(v)]));
  }
  return value;
}
