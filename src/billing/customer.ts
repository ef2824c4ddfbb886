import type { EventStore } from '../../domain/ports/event-store.ts';
import { tenantStream } from '../../domain/routing/streams.ts';
import type { BillingDeps, BillingRequest } from './deps.ts';
import { recordIntent } from './intents.ts';

const PAGE = 500;

/**
 * The tenant's Stripe customer, from its own stream (read at once, unlike a projection): the one
 * the billing API created, else the customer its Stripe events name (a tenant who subscribed
 * before this API existed). Null when it has none yet.
 */
export async function findCustomer(store: EventStore, tenantId: string): Promise<string | null> {
  let fallback: string | null = null;
  let from: bigint | undefined;
  for (;;) {
    const page = await store.readStream(tenantStream(tenantId), { direction: 'backwards', limit: PAGE, ...(from !== undefined ? { from } : {}) });
    for (const event of page) {
      const customerId = (event.data as { customerId?: unknown } | null)?.customerId;
      if (typeof customerId !== 'string') continue;
      if (event.type === 'BillingCustomerCreated') return customerId;
      fallback ??= customerId;
    }
    const last = page.at(-1);
    if (page.length < PAGE || !last || last.revision === 0n) return fallback;
    from = last.revision - 1n;
  }
}

/**
 * The tenant's customer, created at Stripe the first time with metadata.tenant_id (so every
 * later webhook about it routes to the tenant) and recorded as BillingCustomerCreated, the
 * customer link. Two first requests at once share one idempotency key (the tenant's), so Stripe
 * makes one customer and the second record is a duplicate of the first.
 */
export async function ensureCustomer(deps: BillingDeps, request: BillingRequest): Promise<string> {
  const known = await findCustomer(deps.store, request.tenantId);
  if (known) return known;
  const customer = await deps.stripe.createCustomer({ tenantId: request.tenantId, requestKey: 'first-customer' }, { tenantId: request.tenantId, name: request.tenantName });
  await recordIntent(deps.store, 'BillingCustomerCreated', { tenantId: request.tenantId, customerId: customer.id, requestedAt: deps.now() }, customer.id);
  return customer.id;
}
