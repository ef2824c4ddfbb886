import { expect } from 'chai';
import type { DomainEvent } from '../../domain/events/catalogue.ts';
import { BatchRows } from '../../projections/batch-rows.ts';
import { foldInvoices, invoiceKey, type InvoiceEvent } from '../../projections/invoices/evolve.ts';
import type { InvoiceRow } from '../../projections/invoices/row.ts';
import { invoicePaid, OTHER_TENANT, T0, TENANT } from '../support/domain-events.ts';

/** An invoice event of `type` with the snapshot fields a test sets (invoicePaid fills the rest). */
function invoiceEvent(type: InvoiceEvent['type'], status: string, created: number, amountDue = 14_900, tenantId: string | null = TENANT): InvoiceEvent {
  const paid = status === 'paid';
  const event = invoicePaid({ id: 'in_1', status, amountDue, amountPaid: paid ? amountDue : 0, amountRemaining: paid ? 0 : amountDue }, { created, tenantId });
  return { ...event, type } as InvoiceEvent;
}

/** Given the rows a batch read, when its events are folded, then: every row in its last state. */
function fold(given: InvoiceRow[], events: DomainEvent[]): InvoiceRow[] {
  const rows = new BatchRows(invoiceKey, given);
  foldInvoices(rows, events);
  return rows.all();
}

function permutations<T>(items: readonly T[]): T[][] {
  if (items.length <= 1) return [[...items]];
  return items.flatMap((item, i) => permutations([...items.slice(0, i), ...items.slice(i + 1)]).map((rest) => [item, ...rest]));
}

describe('invoices fold', () => {
  const history = [
    invoiceEvent('InvoicePaymentFailed', 'open', T0, 10_000),
    invoiceEvent('InvoicePaymentActionRequired', 'open', T0 + 10, 12_000),
    invoiceEvent('InvoicePaymentFailed', 'open', T0 + 20, 14_900),
    invoiceEvent('InvoicePaid', 'paid', T0 + 30, 14_900),
  ];

  it('ends in the same row whatever order the deliveries come in, one batch or one batch per event', () => {
    const expected = fold([], history);
    expect(expected).to.have.length(1);
    expect(expected[0]).to.include({ status: 'paid', amount_due_minor: 14_900n, amount_paid_minor: 14_900n, amount_remaining_minor: 0n, tenant_id: TENANT });
    for (const order of permutations(history)) {
      expect(fold([], order)).to.deep.equal(expected);
      expect(order.reduce<InvoiceRow[]>((rows, event) => fold(rows, [event]), [])).to.deep.equal(expected);
    }
  });

  it('the same events delivered twice give the same rows', () => {
    expect(fold([], [...history, ...history])).to.deep.equal(fold([], history));
  });

  it('keeps a paid invoice paid when a failure stamped in the same second follows it', () => {
    const [row] = fold([], [invoiceEvent('InvoicePaid', 'paid', T0), invoiceEvent('InvoicePaymentFailed', 'open', T0)]);
    expect(row).to.include({ status: 'paid' });
  });

  it('never moves a row to another tenant, and ignores events that name none', () => {
    const rows = fold([], [invoiceEvent('InvoicePaymentFailed', 'open', T0), invoiceEvent('InvoicePaid', 'paid', T0 + 10, 14_900, OTHER_TENANT)]);
    expect(rows.map((r) => [r.tenant_id, r.status])).to.deep.equal([[TENANT, 'paid']]);
    expect(fold([], [invoiceEvent('InvoicePaid', 'paid', T0, 14_900, null)])).to.deep.equal([]);
  });
});
