import { isRecord } from '../is-record.ts';
import { customerIdOf } from '../stripe/customer-id.ts';
import type { StripeEventEnvelope } from '../stripe/envelope.ts';
import { isUuid } from '../ids.ts';
import { paymentIdsOf } from './payment-ids.ts';

export interface TenantHints {
  /** The tenant the object names itself; null when it names none. */
  readonly tenantId: string | null;
  /** The Stripe customer, for the customer-to-tenant link when the object names no tenant. */
  readonly customerId: string | null;
  /**
   * The invoice an `invoice_payment` settles: it carries neither customer nor metadata, so its
   * tenant is the one its invoice was routed to.
   */
  readonly invoiceId: string | null;
  /**
   * The charge and payment intent the object pays, refunds or disputes: a dispute carries neither
   * customer nor metadata, so its tenant is the one an event naming its charge was routed to.
   */
  readonly chargeId: string | null;
  readonly paymentIntentId: string | null;
}

/** What a Stripe event's object says about its tenant, in the order of DESIGN.md "Streams". */
export function tenantHints(envelope: StripeEventEnvelope): TenantHints {
  const object = envelope.data.object;
  const candidates = [
    tenantIdInMetadata(object),
    object.object === 'checkout.session' ? object.client_reference_id : undefined,
    ...(object.object === 'invoice' ? invoiceSubscriptionTenantIds(object) : []),
    // An expanded customer (e.g. on an invoice or session) carries the metadata we set on it.
    tenantIdInMetadata(object.customer),
  ];
  return {
    tenantId: canonicalTenantId(candidates.map(nonEmpty).find((id) => id !== null) ?? null),
    customerId: customerIdOf(object),
    invoiceId: object.object === 'invoice_payment' ? nonEmpty(expandedId(object.invoice)) : null,
    ...paymentIdsOf(object),
  };
}

/** The Stripe objects whose recorded tenant is the event's, most telling first. */
export function linkedObjectHints(hints: TenantHints): string[] {
  return [hints.customerId, hints.invoiceId, hints.chargeId, hints.paymentIntentId].filter((id): id is string => id !== null);
}

/** The tenant named by the event itself wins; the link recorded at checkout is the fallback. */
export function resolveTenant(hints: TenantHints, linkedTenantId: string | null): string | null {
  return hints.tenantId ?? canonicalTenantId(nonEmpty(linkedTenantId));
}


/**
 * A tenant id as stream names use it: a UUID in lower case, whatever case Stripe metadata or a
 * client_reference_id spelled it in, so `tenant-<id>` streams never differ by case alone. Other
 * ids are kept as given.
 */
export function canonicalTenantId(tenantId: string | null): string | null {
  return tenantId !== null && isUuid(tenantId) ? tenantId.toLowerCase() : tenantId;
}

// The subscription's metadata, copied onto the invoice: at subscription_details in older API
// versions (2023-10-16 among them), at parent.subscription_details in current ones.
function invoiceSubscriptionTenantIds(invoice: Record<string, unknown>): unknown[] {
  return [tenantIdInMetadata(invoice.subscription_details), tenantIdInMetadata(field(invoice.parent, 'subscription_details'))];
}

function tenantIdInMetadata(object: unknown): unknown {
  return field(field(object, 'metadata'), 'tenant_id');
}

function field(object: unknown, key: string): unknown {
  return isRecord(object) ? object[key] : undefined;
}

function expandedId(value: unknown): unknown {
  return isRecord(value) ? value.id : value;
}

function nonEmpty(value: unknown): string | null {
  return typeof value === 'string' && value.trim() !== '' ? value.trim() : null;
}
