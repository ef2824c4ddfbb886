import { expect } from 'chai';
import { UNROUTED_STREAM } from '../../domain/routing/streams.ts';
import type { ProjectedEvent } from '../../projections/projection.ts';
import { foldRouting, routingRows } from '../../projections/routing/evolve.ts';
import type { ParkedEventRow, StripeObjectLinkRow } from '../../projections/routing/rows.ts';
import { invoicePaid, OTHER_TENANT, recorded, T0, TENANT } from '../support/domain-events.ts';

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
});
