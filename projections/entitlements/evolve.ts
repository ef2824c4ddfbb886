import type { DomainEvent, DomainEventOf } from '../../domain/events/catalogue.ts';
import { canonicalTenantId } from '../../domain/routing/tenant-hints.ts';
import type { BatchRows } from '../batch-rows.ts';
import { fromUnixSeconds } from '../time.ts';
import type { EntitlementRow } from './row.ts';

export const ACCESS_EVENT_TYPES = ['AccessSuspended', 'AccessRestored', 'AccessRevoked'] as const;
export const ENTITLEMENT_EVENT_TYPES = [...ACCESS_EVENT_TYPES, 'ProvisioningReady'] as const;

type AccessEvent = DomainEventOf<(typeof ACCESS_EVENT_TYPES)[number]>;
type EntitlementEvent = DomainEventOf<(typeof ENTITLEMENT_EVENT_TYPES)[number]>;

function isEntitlementEvent(event: DomainEvent): event is EntitlementEvent {
  return (ENTITLEMENT_EVENT_TYPES as readonly string[]).includes(event.type);
}

/** The tenant an event is about, as rows are keyed. */
export function entitlementTenantOf(event: DomainEvent): string | null {
  return isEntitlementEvent(event) ? canonicalTenantId(event.data.tenantId) : null;
}

/** A tenant nothing has happened to yet: access as its subscription gives, infrastructure not ready. */
export function initialEntitlement(tenantId: string): EntitlementRow {
  return {
    tenant_id: tenantId,
    access_state: 'active',
    access_since: null,
    access_reason: null,
    access_invoice_id: null,
    revoked_subscription_id: null,
    infrastructure: 'locked',
    infrastructure_ready_at: null,
  };
}

/**
 * The row after one event, or null when it changes nothing. Access follows the latest decision by
 * its `at` (of the same second, the later in the log), so a decision recorded late never undoes a
 * newer one; infrastructure, once ready, stays unlocked.
 */
export function evolveEntitlement(current: EntitlementRow, event: EntitlementEvent): EntitlementRow | null {
  if (event.type === 'ProvisioningReady') {
    const readyAt = fromUnixSeconds(event.data.at);
    if (current.infrastructure_ready_at !== null && current.infrastructure_ready_at <= readyAt) return null;
    return { ...current, infrastructure: 'unlocked', infrastructure_ready_at: readyAt };
  }
  const at = fromUnixSeconds(event.data.at);
  if (current.access_since !== null && at < current.access_since) return null;
  return { ...current, ...accessAfter(event), access_since: at, access_reason: event.data.reason };
}

function accessAfter(event: AccessEvent): Pick<EntitlementRow, 'access_state' | 'access_invoice_id' | 'revoked_subscription_id'> {
  switch (event.type) {
    case 'AccessSuspended':
      return { access_state: 'suspended', access_invoice_id: event.data.invoiceId, revoked_subscription_id: null };
    case 'AccessRestored':
      return { access_state: 'active', access_invoice_id: event.data.invoiceId, revoked_subscription_id: null };
    case 'AccessRevoked':
      return { access_state: 'revoked', access_invoice_id: null, revoked_subscription_id: event.data.subscriptionId };
  }
}

export const entitlementKey = (row: EntitlementRow) => row.tenant_id;

/** Folds a batch's events, in log order, over the rows it read (keyed by `entitlementKey`). */
export function foldEntitlements(rows: BatchRows<EntitlementRow>, events: readonly DomainEvent[]): void {
  for (const event of events) {
    const tenantId = entitlementTenantOf(event);
    if (tenantId === null || !isEntitlementEvent(event)) continue;
    const next = evolveEntitlement(rows.get(tenantId) ?? initialEntitlement(tenantId), event);
    if (next) rows.set(next);
  }
}
