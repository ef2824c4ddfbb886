import { expect } from 'chai';
import { UNROUTED_STREAM } from '../../domain/routing/streams.ts';
import type { ProjectedEvent } from '../../projections/projection.ts';
import { foldRouting, routingRows } from '../../projections/routing/evolve.ts';
import type { ParkedEventRow, StripeObjectLinkRow } from '../../projections/routing/rows.ts';
import type { StripeDomainEvent } from '../../domain/events/catalogue.ts';
import { chargeRefunded, invoicePaid, invoicePaymentPaid, OTHER_TENANT, recorded, T0, TENANT } from '../support/domain-events.ts';
import { disputeEvent, paymentIntentEvent } from '../support/finance-events.ts';

interface Tables {
  links?: StripeObjectLinkRow[];
  parked?: ParkedEventRow[];
}

/** Given the rows a batch read, when its events are folded, then: the rows it writes, by table. */
function fold(given: Tables, events: ProjectedEvent[]): Required<Tables> {
  const rows = routingRows(given);
  foldRouting(rows, events);
  return { links: rows.links.written(), parked: rows.parked.written() };
}

const EVENT_1 = '00000000-0000-5000-8000-000000000001';
const EVENT_2 = '00000000-0000-5000-8000-000000000002';

const parkedInvoice = recorded(invoicePaid({ id: 'in_1' }, { tenantId: null, customerId: 'cus_1' }), {
  id: EVENT_1,
  stream: UNROUTED_STREAM,
  revision: 4n,
  metadata: { tenantHint: 'not-a-tenant' },
});
const itsCopy = recorded(invoicePaid({ id: 'in_1' }, { customerId: 'cus_1' }), { id: EVENT_1, stream: `tenant-${TENANT}` });

describe('routing fold', () => {
  it('given nothing, when an event is parked, then records it with its hint and not re-routed', () => {
    expect(fold({}, [parkedInvoice]).parked).to.deep.equal([
      {
        event_id: EVENT_1,
        stream_revision: 4n,
        stripe_event_id: `evt_invoice.paid_${T0}`,
        stripe_type: 'invoice.paid',
        stripe_customer_id: 'cus_1',
        stripe_invoice_id: null,
        stripe_charge_id: null,
        stripe_payment_intent_id: null,
        hinted_tenant_id: 'not-a-tenant',
        stripe_created: new Date(T0 * 1000),
        rerouted_to: null,
      },
    ]);
  });

  it('given a parked event, when its copy reaches a tenant stream, then marks it re-routed and links its customer and invoice', () => {
    const [parked] = fold({}, [parkedInvoice]).parked;
    const then = fold({ parked: [parked!] }, [itsCopy]);
    expect(then.parked).to.deep.equal([{ ...parked, rerouted_to: `tenant-${TENANT}` }]);
    expect(then.links).to.deep.equal([
      { stripe_object_id: 'cus_1', tenant_id: TENANT, linked_by_event_id: EVENT_1 },
      { stripe_object_id: 'in_1', tenant_id: TENANT, linked_by_event_id: EVENT_1 },
    ]);
  });

  it('marks only events already parked: a copy seen before its original leaves the original to park', () => {
    const then = fold({}, [itsCopy, parkedInvoice]);
    expect(then.parked.map((p) => p.rerouted_to)).to.deep.equal([null]);
  });

  it('given a customer linked to a tenant, when another tenant\'s event names it, then the first tenant keeps it', () => {
    const link = { stripe_object_id: 'cus_1', tenant_id: TENANT, linked_by_event_id: EVENT_1 };
    const other = recorded(invoicePaid({ id: 'in_2' }, { tenantId: OTHER_TENANT, customerId: 'cus_1' }), { id: EVENT_2, stream: `tenant-${OTHER_TENANT}` });
    expect(fold({ links: [link] }, [other]).links).to.deep.equal([{ stripe_object_id: 'in_2', tenant_id: OTHER_TENANT, linked_by_event_id: EVENT_2 }]);
  });

  it('the same events delivered twice give the same rows', () => {
    const events = [parkedInvoice, itsCopy];
    const once = fold({}, events);
    expect(fold({}, [...events, ...events])).to.deep.equal(once);
    expect(once.parked[0]?.rerouted_to).to.equal(`tenant-${TENANT}`);
  });

  describe('payments: what leads a dispute, which names no customer, to its tenant', () => {
    const EVENT_3 = '00000000-0000-5000-8000-000000000003';
    const inTenant = (event: ProjectedEvent['event'], id = EVENT_2) => recorded(event, { id, stream: `tenant-${TENANT}` });
    const linkedIds = (given: ProjectedEvent[]) => fold({}, given).links.map((l) => [l.stripe_object_id, l.tenant_id]);
    // An unmodelled event keeps only the Stripe object, as delivered.
    const unmodelled = (type: string, object: Record<string, unknown>): StripeDomainEvent => ({
      type: 'StripeEventRecorded',
      data: { tenantId: TENANT, customerId: null, reason: 'unmodelled_type', detail: null, stripe: { eventId: `evt_${type}`, type, created: T0, apiVersion: null, livemode: false, object, previousAttributes: null } },
    });

    it("links an invoice's charge and payment intent (2023-10-16 shape), and an invoice_payment's", () => {
      expect(linkedIds([inTenant(invoicePaid({ id: 'in_1', chargeId: 'ch_1', paymentIntentId: 'pi_1' }, { customerId: 'cus_1' }))])).to.deep.equal([
        ['cus_1', TENANT],
        ['in_1', TENANT],
        ['ch_1', TENANT],
        ['pi_1', TENANT],
      ]);
      expect(linkedIds([inTenant(invoicePaymentPaid({ invoiceId: 'in_2', chargeId: 'ch_2', paymentIntentId: 'pi_2' }))])).to.deep.equal([
        ['ch_2', TENANT],
        ['pi_2', TENANT],
      ]);
    });

    it("links a payment intent and its latest charge, a charge and its payment intent, a dispute's charge", () => {
      expect(linkedIds([inTenant(paymentIntentEvent('PaymentIntentSucceeded', { id: 'pi_3', chargeId: 'ch_3' }))])).to.deep.equal([
        ['ch_3', TENANT],
        ['pi_3', TENANT],
      ]);
      expect(linkedIds([inTenant(chargeRefunded({ id: 'ch_4', paymentIntentId: 'pi_4', amountRefunded: 100 }))])).to.deep.equal([
        ['ch_4', TENANT],
        ['pi_4', TENANT],
      ]);
      expect(linkedIds([inTenant(disputeEvent('ChargeDisputeCreated', { id: 'dp_5', chargeId: 'ch_5', status: 'needs_response' }))])).to.deep.equal([['ch_5', TENANT]]);
    });

    it('links the charge of an event it does not model (charge.succeeded) from its Stripe object', () => {
      const succeeded = unmodelled('charge.succeeded', { object: 'charge', id: 'ch_6', payment_intent: { id: 'pi_6', object: 'payment_intent' } });
      expect(linkedIds([inTenant(succeeded)])).to.deep.equal([
        ['ch_6', TENANT],
        ['pi_6', TENANT],
      ]);
    });

    it('parks a dispute with the charge and payment intent it waits for, and marks it once its copy reaches the tenant', () => {
      const dispute = (tenantId: string | null) => disputeEvent('ChargeDisputeCreated', { id: 'dp_7', chargeId: 'ch_7', paymentIntentId: 'pi_7', status: 'needs_response' }, { tenantId });
      const parked = fold({}, [recorded(dispute(null), { id: EVENT_3, stream: UNROUTED_STREAM, revision: 9n })]).parked;
      expect(parked).to.have.length(1);
      expect(parked[0]).to.deep.include({ stripe_customer_id: null, stripe_invoice_id: null, stripe_charge_id: 'ch_7', stripe_payment_intent_id: 'pi_7', rerouted_to: null });
      const then = fold({ parked }, [inTenant(dispute(TENANT), EVENT_3)]);
      expect(then.parked[0]?.rerouted_to).to.equal(`tenant-${TENANT}`);
    });

    it('parks a withdrawal of a dispute, which it does not model, with the charge its Stripe object names', () => {
      const withdrawn = unmodelled('charge.dispute.funds_withdrawn', { object: 'dispute', id: 'dp_8', charge: 'ch_8', payment_intent: null });
      const [parked] = fold({}, [recorded({ ...withdrawn, data: { ...withdrawn.data, tenantId: null } } as StripeDomainEvent, { id: EVENT_3, stream: UNROUTED_STREAM })]).parked;
      expect(parked).to.deep.include({ stripe_charge_id: 'ch_8', stripe_payment_intent_id: null });
    });
  });
});
