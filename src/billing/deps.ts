import type { CallContext } from '../../adapters/stripe/idempotency-key.ts';
import type { StripeGateway } from '../../adapters/stripe/gateway.ts';
import type { PlanCatalogue } from '../../domain/plans/catalogue.ts';
import type { EventStore } from '../../domain/ports/event-store.ts';
import type { SubscriptionQueries } from '../../projections/subscriptions/queries.ts';

/** What every billing action works with. */
export interface BillingDeps {
  readonly stripe: StripeGateway;
  readonly store: EventStore;
  readonly plans: PlanCatalogue;
  readonly subscriptions: Pick<SubscriptionQueries, 'current'>;
  readonly appUrl: string;
  readonly redirectOrigins: readonly string[];
  readonly automaticTax: boolean;
  /** Unix seconds; a parameter so tests need not wait for the clock. */
  readonly now: () => number;
}

/** Who asks, and the client's Idempotency-Key header if it sent one. */
export interface BillingRequest {
  readonly tenantId: string;
  readonly tenantName: string;
  readonly clientKey: string | undefined;
}

/**
 * The call context of a request that creates an object at Stripe (customer, session, schedule):
 * without a client key, the same request repeated within the same minute is the same request,
 * so a double-click or a client's blind retry gets the first session back, not a second one.
 */
export function creatingContext(request: BillingRequest, now: number): CallContext {
  return { tenantId: request.tenantId, requestKey: request.clientKey ?? `minute-${Math.floor(now / 60)}` };
}

/**
 * The call context of a request that sets a subscription's state (cancel, resume, change of
 * price): setting the same state twice is harmless, but a replayed answer would not be (cancel,
 * resume, cancel again must cancel), so without a client key each request is its own.
 */
export function updatingContext(request: BillingRequest): CallContext {
  return { tenantId: request.tenantId, requestKey: request.clientKey ?? crypto.randomUUID() };
}
