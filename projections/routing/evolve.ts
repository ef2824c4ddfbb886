import { isStripeDomainEvent, type StripeDomainEvent } from '../../domain/events/catalogue.ts';
import { paymentIdsOfEvent } from '../../domain/routing/payment-ids.ts';
import { UNROUTED_STREAM } from '../../domain/routing/streams.ts';
import { BatchRows } from '../batch-rows.ts';
import type { ProjectedEvent } from '../projection.ts';
import { fromUnixSeconds } from '../time.ts';
import type { ParkedEventRow, StripeObjectLinkRow } from './rows.ts';

/** Both tables as a batch sees them: links by Stripe object id, parked events by event id. */
export interface RoutingRows {
  readonly links: BatchRows<StripeObjectLinkRow>;
  readonly parked: BatchRows<ParkedEventRow>;
}

export function routingRows(read: { links?: StripeObjectLinkRow[]; parked?: ParkedEventRow[] } = {}): RoutingRows {
  return {
    links: new BatchRows((row) => row.stripe_object_id, read.links),
    parked: new BatchRows((row) => row.event_id, read.parked),
  };
}

/**
 * The Stripe objects a tenant event links to its tenant: its customer, for an invoice event the
 * invoice, and the charge and payment intent it names (a dispute names nothing else).
 */
export function linkedObjectIds({ event }: ProjectedEvent): string[] {
  const invoiceId = 'invoice' in event.data ? event.data.invoice.id : null;
  const customerId = 'customerId' in event.data ? event.data.customerId : null;
  const { chargeId, paymentIntentId } = isStripeDomainEvent(event) ? paymentIdsOfEvent(event) : { chargeId: null, paymentIntentId: null };
  return [...new Set([customerId, invoiceId, chargeId, paymentIntentId].filter((id): id is string => !!id))];
}

/** Folds a batch's events, in log order, over the rows it read. */
export function foldRouting(rows: RoutingRows, events: readonly ProjectedEvent[]): void {
  for (const projected of events) {
    const { event, recorded } = projected;
    if (recorded.streamName === UNROUTED_STREAM) {
      // Only Stripe events are parked; the API's intents always name their tenant.
      if (!rows.parked.get(recorded.id) && isStripeDomainEvent(projected.event)) rows.parked.set(parkedRow(projected.event, recorded));
      continue;
    }
    const { tenantId } = event.data;
    if (tenantId) {
      for (const objectId of linkedObjectIds(projected)) {
        // The first tenant seen for an object keeps it: a customer never moves between tenants.
        if (!rows.links.get(objectId)) rows.links.set({ stripe_object_id: objectId, tenant_id: tenantId, linked_by_event_id: recorded.id });
      }
    }
    // A parked event's copy has reached a tenant stream: it is done.
    const parked = rows.parked.get(recorded.id);
    if (parked) rows.parked.set({ ...parked, rerouted_to: recorded.streamName });
  }
}

function paymentIds(event: StripeDomainEvent): Pick<ParkedEventRow, 'stripe_charge_id' | 'stripe_payment_intent_id'> {
  const { chargeId, paymentIntentId } = paymentIdsOfEvent(event);
  return { stripe_charge_id: chargeId, stripe_payment_intent_id: paymentIntentId };
}

function parkedRow(event: StripeDomainEvent, recorded: ProjectedEvent['recorded']): ParkedEventRow {
  const { customerId, stripe } = event.data;
  const hint = recorded.metadata['tenantHint'];
  return {
    event_id: recorded.id,
    stream_revision: recorded.revision,
    stripe_event_id: stripe.eventId,
    stripe_type: stripe.type,
    stripe_customer_id: customerId,
    stripe_invoice_id: event.type === 'InvoicePaymentPaid' ? event.data.invoicePayment.invoiceId : null,
    ...paymentIds(event),
    hinted_tenant_id: typeof hint === 'string' ? hint : null,
    stripe_created: fromUnixSeconds(stripe.created),
    rerouted_to: null,
  };
}
