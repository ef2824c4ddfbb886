import { expect } from 'chai';
import type { DomainEvent } from '../../domain/events/catalogue.ts';
import { BatchRows } from '../../projections/batch-rows.ts';
import { foldSubscriptions, subscriptionKey } from '../../projections/subscriptions/evolve.ts';
import type { SubscriptionRow } from '../../projections/subscriptions/row.ts';
import { invoicePaid, subscriptionEvent, T0, TENANT } from '../support/domain-events.ts';

const context = { planIdForPrice: (price: string | null) => (price === 'price_professional_monthly' ? 'professional-monthly' : null) };
const at = (seconds: number) => new Date(seconds * 1000);

/** Given the rows a batch read, when its events are folded, then: the rows it writes. */
function fold(given: SubscriptionRow[], events: DomainEvent[]): SubscriptionRow[] {
  const rows = new BatchRows(subscriptionKey, given);
  foldSubscriptions(rows, events, context);
  return rows.written();
}

const created = subscriptionEvent('SubscriptionCreated', { id: 'sub_1', status: 'incomplete' }, { created: T0 });
const active = subscriptionEvent('SubscriptionUpdated', { id: 'sub_1', status: 'active', metadata: { billing_contact_user_id: 'user_7' } }, { created: T0 + 10 });
const pastDue = subscriptionEvent('SubscriptionUpdated', { id: 'sub_1', status: 'past_due' }, { created: T0 + 20 });
const deleted = subscriptionEvent('SubscriptionDeleted', { id: 'sub_1', status: 'canceled', canceledAt: T0 + 30 }, { created: T0 + 30 });

describe('subscriptions fold', () => {
  it('given no row, when created, updated and updated again arrive out of order, then writes the newest state once', () => {
    const [row, ...more] = fold([], [pastDue, created, active]);
    expect(more).to.deep.equal([]);
    expect(row).to.include({ stripe_subscription_id: 'sub_1', tenant_id: TENANT, status: 'past_due', plan_id: 'professional-monthly' });
    expect(row?.last_event_created).to.deep.equal(at(T0 + 20));
    // The older update that named a billing contact was ignored.
    expect(row?.billing_contact_user_id).to.equal(null);
  });

  it('given a row from an earlier batch, when an older update arrives, then writes nothing', () => {
    const [stored] = fold([], [pastDue]);
    expect(fold([stored!], [active, created])).to.deep.equal([]);
  });

  it('given a row from an earlier batch, when a newer update arrives, then keeps the billing contact it recorded', () => {
    const [stored] = fold([], [active]);
    const [row] = fold([stored!], [pastDue]);
    expect(row).to.include({ status: 'past_due', billing_contact_user_id: 'user_7' });
  });

  it('given a canceled row, when an update of the same second arrives, then it stays canceled', () => {
    const sameSecond = subscriptionEvent('SubscriptionUpdated', { id: 'sub_1', status: 'active' }, { created: T0 + 30 });
    const [canceled] = fold([], [deleted]);
    expect(fold([canceled!], [sameSecond])).to.deep.equal([]);
    expect(fold([], [deleted, sameSecond])).to.deep.equal([canceled]);
  });

  it('keeps subscriptions apart, and ignores events it does not handle or that name no tenant', () => {
    const other = subscriptionEvent('SubscriptionCreated', { id: 'sub_2', status: 'trialing' });
    const unrouted = subscriptionEvent('SubscriptionCreated', { id: 'sub_3', status: 'active' }, { tenantId: null });
    const rows = fold([], [created, other, unrouted, invoicePaid({ id: 'in_1' })]);
    expect(rows.map((r) => [r.stripe_subscription_id, r.status])).to.deep.equal([
      ['sub_1', 'incomplete'],
      ['sub_2', 'trialing'],
    ]);
  });

  it('the same events delivered twice give the same rows', () => {
    const events = [created, active, pastDue, deleted];
    expect(fold([], [...events, ...events])).to.deep.equal(fold([], events));
    // Delivered again in a later batch: the deletion of the same second rewrites the row unchanged.
    const stored = fold([], events);
    expect(fold(stored, events)).to.deep.equal(stored);
  });
});
