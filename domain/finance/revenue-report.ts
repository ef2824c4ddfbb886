import { rate } from './rates.ts';
import type { RevenueState, SubscriptionAtBoundary } from './revenue-fold.ts';

/*
 * The revenue figures of each month, from the folded log. Definitions and formulas are in the
 * README ("Revenue metrics"); each is computed here in minor units per currency, never mixing
 * currencies, with rates rounded by `rate`.
 */

export interface CurrencyMrr {
  readonly currency: string;
  readonly startMinor: bigint;
  readonly endMinor: bigint;
  readonly newMinor: bigint;
  readonly expansionMinor: bigint;
  readonly contractionMinor: bigint;
  readonly churnedMinor: bigint;
  readonly reactivationMinor: bigint;
  readonly netChangeMinor: bigint;
  readonly payingCustomers: number;
  readonly arpuMinor: bigint | null;
  readonly grossRevenueChurnRate: number | null;
  readonly netRevenueChurnRate: number | null;
}

export interface CurrencyAmount {
  readonly currency: string;
  readonly count: number;
  readonly amountMinor: bigint;
}

export interface FailedPayments {
  readonly currency: string;
  readonly invoices: number;
  readonly amountMinor: bigint;
  readonly recoveredInvoices: number;
  readonly recoveredAmountMinor: bigint;
}

export interface MonthReport {
  readonly month: string;
  readonly start: Date;
  readonly end: Date;
  readonly mrr: CurrencyMrr[];
  readonly customers: { start: number; end: number; new: number; reactivated: number; churned: number; churnedInvoluntarily: number };
  readonly logoChurnRate: number | null;
  readonly involuntaryChurnShare: number | null;
  readonly payments: { succeeded: number; failedAttempts: number; successRate: number | null; failed: FailedPayments[]; recoveryRate: number | null };
  readonly refunds: CurrencyAmount[];
  readonly disputes: { opened: CurrencyAmount[]; won: number; lost: CurrencyAmount[] };
  readonly events: { inPeriod: number; late: number; testModeExcluded: number };
  readonly unpricedSubscriptions: number;
}

export interface RevenueReport {
  readonly from: string;
  readonly to: string;
  readonly interval: 'month';
  readonly recordedBefore: Date | null;
  readonly eventsRead: number;
  readonly months: MonthReport[];
}

/** Statuses from which an end is involuntary: Stripe was still retrying a failed payment, or gave up. */
const DUNNING_STATUSES: ReadonlySet<string> = new Set(['past_due', 'unpaid']);

export function revenueReport(state: RevenueState, recordedBefore: Date | null): RevenueReport {
  const firstRevenue = tenantsFirstRevenue(state);
  return {
    from: state.months[0]!,
    to: state.months.at(-1)!,
    interval: 'month',
    recordedBefore,
    eventsRead: state.eventsRead,
    months: state.months.map((month, i) => monthReport(state, i, month, firstRevenue)),
  };
}

function tenantsFirstRevenue(state: RevenueState): Map<string, number> {
  const first = new Map<string, number>();
  for (const h of state.subscriptions.values()) {
    if (h.firstRevenueAt === null) continue;
    const known = first.get(h.tenantId);
    if (known === undefined || h.firstRevenueAt < known) first.set(h.tenantId, h.firstRevenueAt);
  }
  return first;
}

/** Money by currency, sorted by code so reports compare line by line. */
class ByCurrency<T> {
  readonly #values = new Map<string, T>();
  constructor(private readonly make: () => T) {}
  at(currency: string): T {
    let value = this.#values.get(currency);
    if (!value) this.#values.set(currency, (value = this.make()));
    return value;
  }
  entries(): [string, T][] {
    return [...this.#values].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
  }
}

interface Unit {
  start: bigint;
  end: bigint;
}

function monthReport(state: RevenueState, i: number, month: string, firstRevenue: Map<string, number>): MonthReport {
  const startAt = state.boundaries[i]!;
  const endAt = state.boundaries[i + 1]!;
  const unpaidFailures = subscriptionsWithUnpaidFailures(state, endAt);

  // One unit per customer (tenant) and currency: its MRR at the month's start and end.
  const units = new Map<string, Map<string, Unit>>();
  const involuntary = new Set<string>();
  let unpriced = 0;
  for (const [id, h] of state.subscriptions) {
    const before = h.atBoundary[i] ?? null;
    const after = h.atBoundary[i + 1] ?? null;
    if (after?.unpriced) unpriced++;
    const byCurrency = units.get(h.tenantId) ?? new Map<string, Unit>();
    units.set(h.tenantId, byCurrency);
    for (const [side, state_] of [['start', before], ['end', after]] as const) {
      if (!state_?.mrr) continue;
      const unit = byCurrency.get(state_.mrr.currency) ?? { start: 0n, end: 0n };
      unit[side] += state_.mrr.amountMinor;
      byCurrency.set(state_.mrr.currency, unit);
    }
    if (before?.mrr && !after?.mrr && endedInvoluntarily(before, after, unpaidFailures.has(id))) involuntary.add(h.tenantId);
  }

  const mrr = new ByCurrency(() => ({ start: 0n, end: 0n, new: 0n, expansion: 0n, contraction: 0n, churned: 0n, reactivation: 0n, paying: 0 }));
  const customers = { start: 0, end: 0, new: 0, reactivated: 0, churned: 0, churnedInvoluntarily: 0 };
  for (const [tenantId, byCurrency] of units) {
    const returning = (firstRevenue.get(tenantId) ?? endAt) < startAt;
    let start = 0n;
    let end = 0n;
    for (const [currency, unit] of byCurrency) {
      const m = mrr.at(currency);
      m.start += unit.start;
      m.end += unit.end;
      if (unit.end > 0n) m.paying++;
      if (unit.start === 0n && unit.end > 0n) m[returning ? 'reactivation' : 'new'] += unit.end;
      else if (unit.start > 0n && unit.end === 0n) m.churned += unit.start;
      else if (unit.end > unit.start) m.expansion += unit.end - unit.start;
      else m.contraction += unit.start - unit.end;
      start += unit.start;
      end += unit.end;
    }
    if (start > 0n) customers.start++;
    if (end > 0n) customers.end++;
    if (start === 0n && end > 0n) customers[returning ? 'reactivated' : 'new']++;
    if (start > 0n && end === 0n) {
      customers.churned++;
      if (involuntary.has(tenantId)) customers.churnedInvoluntarily++;
    }
  }

  const counts = state.counts[i]!;
  const failed = failedPayments(state, startAt, endAt);
  const failedInvoices = failed.reduce((n, f) => n + f.invoices, 0);
  const recoveredInvoices = failed.reduce((n, f) => n + f.recoveredInvoices, 0);
  return {
    month,
    start: new Date(startAt * 1000),
    end: new Date(endAt * 1000),
    mrr: mrr.entries().map(([currency, m]) => ({
      currency,
      startMinor: m.start,
      endMinor: m.end,
      newMinor: m.new,
      expansionMinor: m.expansion,
      contractionMinor: m.contraction,
      churnedMinor: m.churned,
      reactivationMinor: m.reactivation,
      netChangeMinor: m.end - m.start,
      payingCustomers: m.paying,
      arpuMinor: m.paying ? (2n * m.end + BigInt(m.paying)) / (2n * BigInt(m.paying)) : null,
      grossRevenueChurnRate: rate(m.churned + m.contraction, m.start),
      netRevenueChurnRate: rate(m.churned + m.contraction - m.expansion - m.reactivation, m.start),
    })),
    customers,
    logoChurnRate: rate(customers.churned, customers.start),
    involuntaryChurnShare: rate(customers.churnedInvoluntarily, customers.churned),
    payments: {
      succeeded: counts.succeededPayments,
      failedAttempts: counts.failedAttempts,
      successRate: rate(counts.succeededPayments, counts.succeededPayments + counts.failedAttempts),
      failed,
      recoveryRate: rate(recoveredInvoices, failedInvoices),
    },
    refunds: refundsIn(state, i),
    disputes: disputesIn(state, startAt, endAt),
    events: { inPeriod: counts.events, late: counts.late, testModeExcluded: counts.testMode },
    unpricedSubscriptions: unpriced,
  };
}

/**
 * A subscription that stopped bringing in revenue ended involuntarily when Stripe canceled it
 * for a failed payment, when it was in dunning (past_due, unpaid) at the month's start or is
 * unpaid at its end, or when one of its invoices failed and was still unpaid at the month's end.
 */
function endedInvoluntarily(before: SubscriptionAtBoundary, after: SubscriptionAtBoundary | null, unpaidFailure: boolean): boolean {
  return after?.cancellationReason === 'payment_failed' || DUNNING_STATUSES.has(before.status) || after?.status === 'unpaid' || unpaidFailure;
}

function subscriptionsWithUnpaidFailures(state: RevenueState, endAt: number): Set<string> {
  const ids = new Set<string>();
  for (const [invoiceId, f] of state.failedInvoices) {
    if (f.subscriptionId === null || f.firstFailedAt >= endAt) continue;
    const paid = state.paidAt.get(invoiceId);
    if (paid === undefined || paid >= endAt) ids.add(f.subscriptionId);
  }
  return ids;
}

/** Invoices whose first failed attempt falls in the month, and those of them paid since (by anything the log knows now). */
function failedPayments(state: RevenueState, startAt: number, endAt: number): FailedPayments[] {
  const byCurrency = new ByCurrency(() => ({ invoices: 0, amount: 0n, recovered: 0, recoveredAmount: 0n }));
  for (const [invoiceId, f] of state.failedInvoices) {
    if (f.firstFailedAt < startAt || f.firstFailedAt >= endAt) continue;
    const totals = byCurrency.at(f.currency);
    totals.invoices++;
    totals.amount += f.amountDueMinor;
    const paid = state.paidAt.get(invoiceId);
    if (paid !== undefined && paid >= f.firstFailedAt) {
      totals.recovered++;
      totals.recoveredAmount += f.amountDueMinor;
    }
  }
  return byCurrency.entries().map(([currency, t]) => ({ currency, invoices: t.invoices, amountMinor: t.amount, recoveredInvoices: t.recovered, recoveredAmountMinor: t.recoveredAmount }));
}

function refundsIn(state: RevenueState, i: number): CurrencyAmount[] {
  const byCurrency = new ByCurrency(() => ({ count: 0, amount: 0n }));
  for (const charge of state.refunds.values()) {
    const refunded = charge.maxRefunded[i + 1]! - charge.maxRefunded[i]!;
    if (refunded <= 0n) continue;
    const totals = byCurrency.at(charge.currency);
    totals.count++;
    totals.amount += refunded;
  }
  return byCurrency.entries().map(([currency, t]) => ({ currency, count: t.count, amountMinor: t.amount }));
}

function disputesIn(state: RevenueState, startAt: number, endAt: number): MonthReport['disputes'] {
  const opened = new ByCurrency(() => ({ count: 0, amount: 0n }));
  const lost = new ByCurrency(() => ({ count: 0, amount: 0n }));
  let won = 0;
  const within = (at: number) => at >= startAt && at < endAt;
  for (const d of state.disputes.values()) {
    if (within(d.openedAt)) {
      const totals = opened.at(d.currency);
      totals.count++;
      totals.amount += d.amountMinor;
    }
    if (d.closed && within(d.closed.at)) {
      if (d.closed.status === 'won') won++;
      else {
        const totals = lost.at(d.currency);
        totals.count++;
        totals.amount += d.amountMinor;
      }
    }
  }
  const list = (by: typeof opened) => by.entries().map(([currency, t]) => ({ currency, count: t.count, amountMinor: t.amount }));
  return { opened: list(opened), won, lost: list(lost) };
}
