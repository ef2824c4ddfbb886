import { expect } from 'chai';
import { revenueMetrics, type RevenueReport } from '../../../domain/finance/revenue-metrics.ts';
import type { MonthReport } from '../../../domain/finance/revenue-report.ts';
import { subscriptionEvent } from '../../support/domain-events.ts';
import { LETTER_TENANTS, revenueHistory, type HistoryEvent } from '../../support/revenue-history.ts';

/** Figures computed by hand for test/support/revenue-history.ts. */
function report(events: readonly HistoryEvent[], o: { from?: string; to?: string; recordedBefore?: Date } = {}): RevenueReport {
  const metrics = revenueMetrics({ from: o.from ?? '2026-01', to: o.to ?? '2026-04', recordedBefore: o.recordedBefore ?? null, knownPrice: () => null });
  metrics.add(events.map((e) => ({ type: e.type, streamName: `tenant-${LETTER_TENANTS[e.customer]}`, data: e.data, recordedAt: e.recordedAt })));
  return metrics.report();
}

const month = (r: RevenueReport, m: string): MonthReport => r.months.find((x) => x.month === m)!;
const currency = (m: MonthReport, code: string) => m.mrr.find((x) => x.currency === code)!;

describe('revenue metrics over a seeded history', () => {
  const history = revenueHistory(LETTER_TENANTS);
  const full = report(history);

  it('January: four USD customers and one EUR are new; the annual plan counts a twelfth, the discount and seats apply, the trial and test mode do not count', () => {
    const jan = month(full, '2026-01');
    // A 4900 + B 14900 + C 149000/12 = 12416.67 → 12417 + F 4900
    expect(currency(jan, 'USD')).to.deep.include({ startMinor: 0n, endMinor: 37_117n, newMinor: 37_117n, expansionMinor: 0n, contractionMinor: 0n, churnedMinor: 0n, reactivationMinor: 0n, payingCustomers: 4, arpuMinor: 9279n });
    // D: 3 seats × 2000, 25% off = 4500
    expect(currency(jan, 'EUR')).to.deep.include({ startMinor: 0n, endMinor: 4500n, newMinor: 4500n, payingCustomers: 1, arpuMinor: 4500n });
    expect(jan.customers).to.deep.equal({ start: 0, end: 5, new: 5, reactivated: 0, churned: 0, churnedInvoluntarily: 0 });
    expect(jan.logoChurnRate).to.equal(null);
    expect(jan.payments).to.deep.include({ succeeded: 5, failedAttempts: 0, successRate: 1, recoveryRate: null });
    expect(jan.events).to.deep.equal({ inPeriod: 12, late: 0, testModeExcluded: 1 });
  });

  it('February: a new customer, an upgrade, a downgrade and a voluntary churn; failed payments and a refund', () => {
    const feb = month(full, '2026-02');
    expect(currency(feb, 'USD')).to.deep.include({
      startMinor: 37_117n,
      endMinor: 37_117n,
      newMinor: 4900n, // E's trial converted
      expansionMinor: 10_000n, // A: 4900 → 14900
      contractionMinor: 10_000n, // B: 14900 → 4900
      churnedMinor: 4900n, // F canceled
      reactivationMinor: 0n,
      netChangeMinor: 0n,
      payingCustomers: 4,
      arpuMinor: 9279n, // 37117 / 4 = 9279.25
      grossRevenueChurnRate: 0.4014, // (4900 + 10000) / 37117
      netRevenueChurnRate: 0.132, // (4900 + 10000 - 10000) / 37117
    });
    // D is past_due: still revenue until Stripe gives up.
    expect(currency(feb, 'EUR')).to.deep.include({ startMinor: 4500n, endMinor: 4500n, churnedMinor: 0n });
    expect(feb.customers).to.deep.equal({ start: 5, end: 5, new: 1, reactivated: 0, churned: 1, churnedInvoluntarily: 0 });
    expect(feb.logoChurnRate).to.equal(0.2);
    expect(feb.involuntaryChurnShare).to.equal(0);
    // 4 paid (in_f2, in_e1, in_a2, in_b2) and 3 failed attempts (in_d2 twice, in_a3): 4/7
    expect(feb.payments).to.deep.equal({
      succeeded: 4,
      failedAttempts: 3,
      successRate: 0.5714,
      failed: [
        { currency: 'EUR', invoices: 1, amountMinor: 4500n, recoveredInvoices: 0, recoveredAmountMinor: 0n },
        { currency: 'USD', invoices: 1, amountMinor: 14_900n, recoveredInvoices: 1, recoveredAmountMinor: 14_900n },
      ],
      recoveryRate: 0.5,
    });
    expect(feb.refunds).to.deep.equal([{ currency: 'USD', count: 1, amountMinor: 5000n }]);
    expect(feb.events).to.deep.equal({ inPeriod: 13, late: 0, testModeExcluded: 0 });
  });

  it('March: a voluntary and an involuntary churn, the rest of the refund, a dispute, and one event that arrived late', () => {
    const mar = month(full, '2026-03');
    expect(currency(mar, 'USD')).to.deep.include({ startMinor: 37_117n, endMinor: 32_217n, churnedMinor: 4900n, grossRevenueChurnRate: 0.132, netRevenueChurnRate: 0.132, payingCustomers: 3, arpuMinor: 10_739n });
    expect(currency(mar, 'EUR')).to.deep.include({ startMinor: 4500n, endMinor: 0n, churnedMinor: 4500n, grossRevenueChurnRate: 1, payingCustomers: 0, arpuMinor: null });
    expect(mar.customers).to.deep.equal({ start: 5, end: 3, new: 0, reactivated: 0, churned: 2, churnedInvoluntarily: 1 });
    expect(mar.logoChurnRate).to.equal(0.4);
    expect(mar.involuntaryChurnShare).to.equal(0.5);
    expect(mar.payments).to.deep.include({ succeeded: 1, failedAttempts: 0, successRate: 1 });
    expect(mar.refunds).to.deep.equal([{ currency: 'USD', count: 1, amountMinor: 2000n }]);
    expect(mar.disputes).to.deep.equal({ opened: [{ currency: 'USD', count: 1, amountMinor: 149_000n }], won: 0, lost: [] });
    expect(mar.events).to.deep.equal({ inPeriod: 5, late: 1, testModeExcluded: 0 });
  });

  it('April: a churned customer comes back (reactivation, not new) and the dispute is lost', () => {
    const apr = month(full, '2026-04');
    expect(currency(apr, 'USD')).to.deep.include({ startMinor: 32_217n, endMinor: 37_117n, newMinor: 0n, reactivationMinor: 4900n, netRevenueChurnRate: -0.1521 });
    expect(apr.customers).to.deep.include({ start: 3, end: 4, new: 0, reactivated: 1 });
    expect(apr.disputes).to.deep.equal({ opened: [], won: 0, lost: [{ currency: 'USD', count: 1, amountMinor: 149_000n }] });
  });

  it('every month, MRR at the end is the start plus the movements', () => {
    for (const m of full.months) {
      for (const c of m.mrr) expect(c.startMinor + c.newMinor + c.expansionMinor + c.reactivationMinor - c.contractionMinor - c.churnedMinor, `${m.month} ${c.currency}`).to.equal(c.endMinor);
    }
  });

  it('gives the same figures whatever order the log holds the events in', () => {
    expect(report([...history].reverse())).to.deep.equal(full);
  });

  it('a report of one month equals that month of a longer report', () => {
    expect(report(history, { from: '2026-03', to: '2026-03' }).months).to.deep.equal([month(full, '2026-03')]);
  });

  it('recorded before 1 April, it reproduces what the ledger knew then: no late payment, so no recovery yet', () => {
    const then = report(history, { recordedBefore: new Date('2026-04-01T00:00:00Z') });
    const feb = month(then, '2026-02');
    expect(feb.payments.recoveryRate).to.equal(0);
    expect(feb.payments.failed.find((f) => f.currency === 'USD')).to.include({ recoveredInvoices: 0 });
    const mar = month(then, '2026-03');
    expect(mar.payments).to.deep.include({ succeeded: 0, successRate: null });
    expect(mar.events).to.deep.include({ inPeriod: 4, late: 0 });
    // MRR did not depend on the late event.
    expect(mar.mrr).to.deep.equal(month(full, '2026-03').mrr);
    expect(then.recordedBefore).to.deep.equal(new Date('2026-04-01T00:00:00Z'));
  });
});

describe('revenue metrics: current API discounts named by id', () => {
  const tenant = LETTER_TENANTS.A;
  const at = (iso: string) => Date.parse(iso) / 1000;
  const source = (type: string, created: number, object: Record<string, unknown>) => ({ eventId: `evt_${type}_${created}`, type, created, apiVersion: '2025-03-31.basil', livemode: true, object, previousAttributes: null });
  // The current API lists a subscription's discounts as ids; what they take off comes in customer.discount.* events.
  const created = at('2026-01-05T10:00:00Z');
  const built = subscriptionEvent('SubscriptionCreated', { id: 'sub_cur', status: 'active', priceId: 'price_pro', quantity: 2, currentPeriodStart: created, created }, { tenantId: tenant, created });
  const subscription = {
    type: built.type,
    data: {
      ...built.data,
      stripe: source('customer.subscription.created', created, {
        id: 'sub_cur',
        object: 'subscription',
        status: 'active',
        items: { object: 'list', data: [{ id: 'si_1', quantity: 2, price: { id: 'price_pro', currency: 'usd', unit_amount: 10_000, recurring: { interval: 'month', interval_count: 1 } } }] },
        discounts: ['di_cur'],
        metadata: { tenant_id: tenant },
      }),
    },
  };
  const discount = {
    type: 'StripeEventRecorded',
    created: at('2026-01-05T10:00:01Z'),
    data: {
      tenantId: tenant,
      customerId: 'cus_A',
      stripe: source('customer.discount.created', at('2026-01-05T10:00:01Z'), {
        id: 'di_cur',
        object: 'discount',
        customer: 'cus_A',
        subscription: 'sub_cur',
        coupon: { id: 'co_20', percent_off: 20, amount_off: null, currency: null, duration: 'forever' },
        end: null,
      }),
      reason: 'unmodelled_type',
      detail: null,
    },
  };
  const janUsd = (events: readonly { type: string; data: unknown }[]) => {
    const metrics = revenueMetrics({ from: '2026-01', to: '2026-01', recordedBefore: null, knownPrice: () => null });
    metrics.add(events.map((e) => ({ type: e.type, streamName: `tenant-${tenant}`, data: e.data, recordedAt: new Date('2026-01-06T00:00:00Z') })));
    return currency(month(metrics.report(), '2026-01'), 'USD');
  };

  it('applies the discount its customer.discount event describes, whichever comes first in the log', () => {
    // 2 × 10000, 20% off = 16000
    expect(janUsd([subscription, discount])).to.deep.include({ endMinor: 16_000n, newMinor: 16_000n });
    expect(janUsd([discount, subscription])).to.deep.include({ endMinor: 16_000n, newMinor: 16_000n });
  });

  it('counts the full price when no event ever described the discount', () => {
    expect(janUsd([subscription])).to.deep.include({ endMinor: 20_000n });
  });
});
