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

export interface InvoiceHistory {
  /** The invoices the stream shows paid. */
  readonly paid: InvoiceRef[];
  /** The payment failures, the newest of each invoice. */
  readonly failed: DomainEventOf<'InvoicePaymentFailed'>['data'][];
}

/**
 * The tenant's paid invoices and payment failures, in one read of its stream: read when a
 * payment failure arrives (to spot a payment Stripe delivered first) and when a payment ends a
 * run (to start the next one).
 */
export async function invoiceHistory(store: EventStore, tenantId: string): Promise<InvoiceHistory> {
  const paid: InvoiceRef[] = [];
  const newestFailure = new Map<string, DomainEventOf<'InvoicePaymentFailed'>['data']>();
  for await (const event of newestFirst(store, tenantId)) {
    if (event.type !== 'InvoicePaid' && event.type !== 'InvoicePaymentFailed') continue;
    const parsed = safeParseDomainEvent(event.type, event.data);
    if (!parsed.success) continue;
    if (parsed.event.type === 'InvoicePaid') paid.push(invoiceRef(parsed.event.data.invoice));
    if (parsed.event.type !== 'InvoicePaymentFailed') continue;
    const { data } = parsed.event;
    const known = newestFailure.get(data.invoice.id);
    if (!known || data.stripe.created > known.stripe.created) newestFailure.set(data.invoice.id, data);
  }
  return { paid, failed: [...newestFailure.values()] };
}

/** The tenant's email address, read when an email is sent, so a changed address is used. */
export async function tenantEmail(store: EventStore, tenantId: string): Promise<string | null> {
  for await (const event of newestFirst(store, tenantId)) {
    const found = emailAddressIn(event);
    if (found) return found;
  }
  return null;
}
