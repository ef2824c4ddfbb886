import { createHash } from 'node:crypto';
import { expect } from 'chai';
import { safeParseDomainEvent } from '../../../domain/events/catalogue.ts';
import { reduceOversizeEvent } from '../../../domain/stripe/oversize-event.ts';
import { translateStripeEvent } from '../../../domain/stripe/translate.ts';
import { paidInvoiceEvent } from '../../support/invoice-events.ts';
import { expectEvent } from '../expect-event.ts';

describe('reduceOversizeEvent', () => {
  // Large where Stripe objects grow: many lines, each with its own metadata; and a long string.
  const lines = Array.from({ length: 400 }, (_, i) => ({ id: `il_${i}`, object: 'line_item', amount: 100, metadata: { note: 'x'.repeat(2_000) } }));
  const delivered = paidInvoiceEvent('current', { evt: 'evt_big', invoice: 'in_big', tenant: 'tenant_big', amount: 14900, currency: 'usd', paidAt: 1_760_000_000 });
  Object.assign(delivered.data.object, { lines: { object: 'list', data: lines, has_more: false }, footer: '€'.repeat(3_000) + '😀' });
  const event = translateStripeEvent(delivered, 'tenant_big');

  it('keeps every translated field and the envelope, and leaves out the Stripe object but its short scalars', () => {
    const { event: reduced, note } = reduceOversizeEvent(event, 1_300_000, 1_048_576);
    const before = expectEvent(event, 'InvoicePaid');
    const after = expectEvent(reduced, 'InvoicePaid');
    const { stripe: stripeBefore, ...translatedBefore } = before;
    const { stripe: stripeAfter, ...translatedAfter } = after;
    expect(translatedAfter).to.deep.equal(translatedBefore);
    expect({ ...stripeAfter, object: null }).to.deep.equal({ ...stripeBefore, object: null, previousAttributes: null });
    expect(stripeAfter.object.id).to.equal('in_big');
    expect(stripeAfter.object.amount_paid).to.equal(14900);
    expect(stripeAfter.object).not.to.have.property('status_transitions');
    expect(Array.from(stripeAfter.object.footer as string)).to.have.length(1_000);
    expect(JSON.stringify(event).length).to.be.above(800_000);
    expect(JSON.stringify(reduced).length).to.be.below(20_000);
    expect(note).to.deep.equal({
      bytes: 1_300_000,
      limit: 1_048_576,
      objectSha256: createHash('sha256').update(JSON.stringify(before.stripe.object)).digest('hex'),
    });
    // Still an event the catalogue reads back.
    expect(safeParseDomainEvent(reduced.type, reduced.data).success).to.equal(true);
  });
});
