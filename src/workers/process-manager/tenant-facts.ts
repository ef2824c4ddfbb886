import { invoiceRef } from '../../../domain/dunning/decide.ts';
import { emailAddressIn } from '../../../domain/tenants/email-address.ts';
import type { InvoiceRef } from '../../../domain/dunning/settlement.ts';
import { safeParseDomainEvent, type DomainEventOf } from '../../../domain/events/catalogue.ts';
import type { EventStore, RecordedEvent } from '../../../domain/ports/event-store.ts';
import { tenantStream } from '../../../domain/routing/streams.ts';

const PAGE = 500;

/** The tenant's stream, newest first, a page at a time (most questions are answered by its last events). */
async function* newestFirst(store: EventStore, tenantId: string): AsyncGenerator<RecordedEvent> {
  let from: bigint | undefined;
  for (;;) {
    const page = await store.readStream(tenantStream(tenantId), { direction: 'backwards', limit: PAGE, ...(from === undefined ? {} : { from }) });
    yield* page;
    const last = page.at(-1);
    if (page.length < PAGE || !last || last.revision === 0n) return;
    from = last.revision - 1n;
  }
}

/** The invoices the tenant's stream shows paid: read when a payment failure arrives, to spot one Stripe delivered late. */
export async function paidInvoices(store: EventStore, tenantId: string): Promise<InvoiceRef[]> {
  const paid: InvoiceRef[] = [];
  for await (const event of newestFirst(store, tenantId)) {
    if (event.type !== 'InvoicePaid') continue;
    const parsed = safeParseDomainEvent(event.type, event.data);
    if (parsed.success && parsed.event.type === 'InvoicePaid') paid.push(invoiceRef(parsed.event.data.invoice));
  }
  return paid;
}

/** The tenant's payment failures, the newest of each invoice: read when a payment ends a run, to start the next one. */
export async function failedInvoices(store: EventStore, tenantId: string): Promise<DomainEventOf<'InvoicePaymentFailed'>['data'][]> {
  const newest = new Map<string, DomainEventOf<'InvoicePaymentFailed'>['data']>();
  for await (const event of newestFirst(store, tenantId)) {
    if (event.type !== 'InvoicePaymentFailed') continue;
    const parsed = safeParseDomainEvent(event.type, event.data);
    if (!parsed.success || parsed.event.type !== 'InvoicePaymentFailed') continue;
    const { data } = parsed.event;
    const known = newest.get(data.invoice.id);
    if (!known || data.stripe.created > known.stripe.created) newest.set(data.invoice.id, data);
  }
  return [...newest.values()];
}

/** The tenant's email address, read when an email is sent, so a changed address is used. */
export async function tenantEmail(store: EventStore, tenantId: string): Promise<string | null> {
  for await (const event of newestFirst(store, tenantId)) {
    const found = emailAddressIn(event);
    if (found) return found;
  }
  return null;
}
