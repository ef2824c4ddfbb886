import { expect } from 'chai';
import { randomUUID } from 'node:crypto';
import { testStoreKind } from '../support/database.ts';
import { seedRevenueHistory, type SeededHistory } from '../support/seed-revenue-history.ts';
import { startTestLedger, type TestLedger } from '../support/test-ledger.ts';
import { readWholeStream, tenantStateAt, tenantStreams } from '../../src/time-travel/tenant-state.ts';

type State = {
  events: Record<string, number>;
  subscription: Record<string, unknown> | null;
  entitlement: { plan: { id: string; limits: Record<string, unknown> } | null; entitled: boolean; access: Record<string, unknown> };
  payments: { paid: Record<string, unknown>[]; unpaidInvoices: Record<string, unknown>[] };
};

const at = (iso: string) => Date.parse(iso) / 1000;

/** The replay `ledger tenants state` prints, on a real log (test/cli/tenant-state-cli.test.ts runs the command itself). */
describe(`a tenant's state at an instant (${testStoreKind} store)`, function () {
  this.timeout(60_000);
  let t: TestLedger;
  let seeded: SeededHistory;

  before(async () => {
    t = await startTestLedger();
    seeded = await seedRevenueHistory(t.ledger);
    // Dunning suspended D's access on 20 February, while its subscription was still past_due.
    const d = seeded.tenantIds.D;
    await t.ledger.store.append(`dunning-${d}`, [{ id: randomUUID(), type: 'AccessSuspended', data: { tenantId: d, at: at('2026-02-20T00:00:00Z'), invoiceId: 'in_d2', reason: 'payment failed after three notices' } }]);
  });
  after(() => t?.close());

  const state = async (customer: 'A' | 'B' | 'D', ...args: string[]): Promise<State> => {
    const tenantId = seeded.tenantIds[customer];
    const recorded = (await Promise.all(tenantStreams(tenantId).map((s) => readWholeStream(t.ledger.store, s)))).flat();
    const recordedBefore = args[2] ? new Date(args[3]!) : null;
    // Through JSON, as the command prints it.
    return JSON.parse(JSON.stringify(tenantStateAt(tenantId, recorded, { at: new Date(args[1]!), recordedBefore }, t.ledger.projectionContext, t.ledger.plans), (_k, v) => (typeof v === 'bigint' ? v.toString() : v))) as State;
  };

  it('at the end of January: the starter plan with its limits, one payment', async () => {
    const a = await state('A', '--at', '2026-01-31T23:59:59Z');
    expect(a.subscription).to.include({ stripeSubscriptionId: 'sub_a', status: 'active', planId: 'starter-monthly' });
    expect(a.entitlement).to.deep.include({ entitled: true, access: { state: 'granted', source: 'subscription status', reason: null, since: null } });
    expect(a.entitlement.plan).to.include({ id: 'starter-monthly' });
    expect(a.entitlement.plan!.limits).to.include({ servers: 1, seats: 3 });
    expect(a.payments.paid.map((p) => p.invoiceId)).to.deep.equal(['in_a1']);
    expect(a.payments.unpaidInvoices).to.deep.equal([]);
  });

  it('at the end of February: upgraded, and an invoice that failed is unpaid', async () => {
    const a = await state('A', '--at', '2026-02-28T12:00:00Z');
    expect(a.subscription).to.include({ status: 'active', planId: 'professional-monthly' });
    expect(a.entitlement.plan!.limits).to.include({ servers: 5 });
    expect(a.payments.paid.map((p) => p.invoiceId)).to.deep.equal(['in_a1', 'in_a2']);
    expect(a.payments.unpaidInvoices).to.deep.equal([{ invoiceId: 'in_a3', status: 'open', amountRemainingMinor: '14900', currency: 'USD' }]);
  });

  it('in March the failed invoice is paid; recorded before its late webhook arrived, the ledger did not know it yet', async () => {
    const now = await state('A', '--at', '2026-03-31T00:00:00Z');
    expect(now.payments.unpaidInvoices).to.deep.equal([]);
    expect(now.payments.paid.map((p) => p.invoiceId)).to.include('in_a3');
    const then = await state('A', '--at', '2026-03-31T00:00:00Z', '--recorded-before', seeded.beforeLateEvent.toISOString());
    expect(then.payments.unpaidInvoices.map((i) => i.invoiceId)).to.deep.equal(['in_a3']);
    expect(then.events).to.include({ notYetRecorded: 1 });
  });

  it('shows a partial refund as of the day after it, and nothing of a downgrade not yet made', async () => {
    const b = await state('B', '--at', '2026-02-14T00:00:00Z');
    expect(b.subscription).to.include({ planId: 'professional-monthly' });
    expect(b.payments.paid.find((p) => p.invoiceId === 'in_b2')).to.include({ refundedMinor: '0', status: 'succeeded' });
    const later = await state('B', '--at', '2026-02-17T00:00:00Z');
    expect(later.subscription).to.include({ planId: 'starter-monthly' });
    expect(later.payments.paid.find((p) => p.invoiceId === 'in_b2')).to.include({ refundedMinor: '5000', status: 'partially_refunded' });
  });

  it('access as the process manager decided it, then the subscription ended', async () => {
    const suspended = await state('D', '--at', '2026-02-25T00:00:00Z');
    expect(suspended.subscription).to.include({ status: 'past_due' });
    expect(suspended.entitlement.access).to.deep.equal({ state: 'suspended', source: 'process events', reason: 'payment failed after three notices', since: '2026-02-20T00:00:00.000Z' });
    const ended = await state('D', '--at', '2026-03-31T00:00:00Z');
    expect(ended.subscription).to.include({ status: 'canceled', cancelReason: 'payment_failed' });
    expect(ended.entitlement.entitled).to.equal(false);
  });

  it('before its first event, a tenant has nothing', async () => {
    const before = await state('A', '--at', '2025-12-31T00:00:00Z');
    expect(before).to.deep.include({ subscription: null, events: { replayed: 0, happenedLater: 6, notYetRecorded: 0 } });
  });
});
