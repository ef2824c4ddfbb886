import { z } from 'zod';
import { safeParseDomainEvent, type DomainEventOf } from '../events/catalogue.ts';
import { normaliseCurrency } from '../money.ts';
import { TENANT_STREAM_PREFIX } from '../routing/streams.ts';
import { shouldApplySubscriptionEvent, type SubscriptionEventType } from '../subscriptions/apply-rule.ts';
import { monthStart, monthsBetween, nextMonth } from './months.ts';
import { monthlyAmount, type DiscountById, type KnownPrice, type MonthlyAmount } from './monthly-amount.ts';

/*
 * The log folded into what the revenue figures need, one event at a time, in any order: Stripe
 * delivers out of order, so everything is keyed by the Stripe `created` of each event, never by
 * its place in the log. What it keeps grows with subscriptions (one state per month boundary),
 * failed invoices, paid invoice ids, refunded charges and disputes: not with events.
 */

/** Subscription statuses that bring in revenue. A trial is not revenue until it converts; past_due still is until Stripe gives up. */
export const REVENUE_STATUSES: ReadonlySet<string> = new Set(['active', 'past_due']);

/** An event of the log, as the fold needs it. */
export interface LoggedEvent {
  readonly type: string;
  readonly streamName: string;
  readonly data: unknown;
  readonly recordedAt: Date;
}

export interface RevenueFoldOptions {
  /** First and last month of the report (YYYY-MM, UTC). */
  readonly from: string;
  readonly to: string;
  /** Only events recorded before this instant count: what the ledger knew then. */
  readonly recordedBefore: Date | null;
  /** The catalogue's price, for subscription events whose object lacks it. */
  readonly knownPrice: (priceId: string) => KnownPrice | null;
}

/** A subscription as of one month boundary. */
export interface SubscriptionAtBoundary {
  readonly lastEventCreated: number;
  readonly type: SubscriptionEventType;
  readonly status: string;
  readonly currentPeriodStart: number | null;
  /** Its monthly amount when its status brings in revenue; null otherwise (or when its price is unknown: see `unpriced`). */
  readonly mrr: MonthlyAmount | null;
  readonly unpriced: boolean;
  readonly cancellationReason: string | null;
  /**
   * Prices it again once the whole log is read, when the object named discounts by id only (the
   * current API): the `customer.discount.*` event that tells what they take off may come later in
   * the log. Absent when the object showed everything.
   */
  readonly reprice?: (discountById: DiscountById) => MonthlyAmount | null;
}

export interface SubscriptionHistory {
  readonly tenantId: string;
  /** `atBoundary[k]`: its state from events created before boundary k (k = 0 is the first month's start). */
  atBoundary: (SubscriptionAtBoundary | null)[];
  /** The earliest `created` of an event showing it bring in revenue. */
  firstRevenueAt: number | null;
}

export interface FailedInvoice {
  readonly tenantId: string;
  readonly subscriptionId: string | null;
  readonly currency: string;
  readonly amountDueMinor: bigint;
  firstFailedAt: number;
}

export interface RefundedCharge {
  readonly currency: string;
  /** `maxRefunded[k]`: the largest cumulative amount refunded that events created before boundary k show. */
  readonly maxRefunded: bigint[];
}

export interface Dispute {
  currency: string;
  amountMinor: bigint;
  openedAt: number;
  closed: { readonly at: number; readonly status: string } | null;
}

export interface MonthCounts {
  /** Live-mode events created in the month. */
  events: number;
  /** Of those, recorded after the month ended. */
  late: number;
  /** Test-mode events created in the month, left out of every figure. */
  testMode: number;
  succeededPayments: number;
  failedAttempts: number;
}

export interface RevenueState {
  readonly months: readonly string[];
  /** Unix seconds: boundaries[0] is the first month's start, boundaries[i + 1] the end of months[i]. */
  readonly boundaries: readonly number[];
  readonly subscriptions: Map<string, SubscriptionHistory>;
  readonly failedInvoices: Map<string, FailedInvoice>;
  /** When each invoice was first seen paid. */
  readonly paidAt: Map<string, number>;
  readonly refunds: Map<string, RefundedCharge>;
  readonly disputes: Map<string, Dispute>;
  /** Discount objects by id, from `customer.discount.*` events: the newest `created` of each. */
  readonly discounts: Map<string, { readonly created: number; readonly object: unknown }>;
  readonly counts: MonthCounts[];
  eventsRead: number;
}

const timing = z.looseObject({
  stripe: z.looseObject({ created: z.number(), livemode: z.boolean(), type: z.string() }).nullish(),
  requestedAt: z.number().nullish(),
});

const disputeObject = z.looseObject({ id: z.string(), amount: z.number().int().nonnegative(), currency: z.string(), status: z.string().nullish() });

const CLOSED_DISPUTE_STATUSES: ReadonlySet<string> = new Set(['won', 'lost']);

export function emptyRevenueState(from: string, to: string): RevenueState {
  const months = monthsBetween(from, to);
  const boundaries = [monthStart(from), ...months.map((m) => monthStart(nextMonth(m)))];
  return {
    months,
    boundaries,
    subscriptions: new Map(),
    failedInvoices: new Map(),
    paidAt: new Map(),
    refunds: new Map(),
    disputes: new Map(),
    discounts: new Map(),
    counts: months.map(() => ({ events: 0, late: 0, testMode: 0, succeededPayments: 0, failedAttempts: 0 })),
    eventsRead: 0,
  };
}

/** The index of the month holding `created`, or -1 outside the report. */
function monthIndex(state: RevenueState, created: number): number {
  const { boundaries } = state;
  if (created < boundaries[0]! || created >= boundaries.at(-1)!) return -1;
  return boundaries.findIndex((b) => created < b) - 1;
}

/** The first boundary an event created at `created` lies before. */
function firstBoundaryAfter(state: RevenueState, created: number): number {
  const k = state.boundaries.findIndex((b) => created < b);
  return k === -1 ? state.boundaries.length : k;
}

function tenantOf(streamName: string): string {
  return streamName.startsWith(TENANT_STREAM_PREFIX) ? streamName.slice(TENANT_STREAM_PREFIX.length) : streamName;
}

/** Adds one event of the log to `state`. Events recorded at or after `recordedBefore` are ignored. */
export function foldRevenueEvent(state: RevenueState, event: LoggedEvent, options: RevenueFoldOptions): void {
  if (options.recordedBefore && event.recordedAt >= options.recordedBefore) return;
  const when = timing.safeParse(event.data);
  if (!when.success) return;
  state.eventsRead++;
  const stripe = when.data.stripe;
  const created = stripe?.created ?? when.data.requestedAt;
  if (created == null) return;
  const index = monthIndex(state, created);
  if (stripe && !stripe.livemode) {
    if (index >= 0) state.counts[index]!.testMode++;
    return;
  }
  if (index >= 0) {
    const counts = state.counts[index]!;
    counts.events++;
    if (event.recordedAt.getTime() >= state.boundaries[index + 1]! * 1000) counts.late++;
  }
  if (!stripe) return;
  if (stripe.type.startsWith('charge.dispute.')) return foldDispute(state, event.data, created);
  if (stripe.type.startsWith('customer.discount.')) return foldDiscount(state, event.data, created);
  switch (event.type) {
    case 'SubscriptionCreated':
    case 'SubscriptionUpdated':
    case 'SubscriptionDeleted':
    case 'SubscriptionTrialWillEnd':
    case 'InvoicePaid':
    case 'InvoicePaymentFailed':
    case 'ChargeRefunded': {
      const parsed = safeParseDomainEvent(event.type, event.data);
      if (!parsed.success) return;
      const domainEvent = parsed.event;
      if (domainEvent.type === 'InvoicePaid' || domainEvent.type === 'InvoicePaymentFailed') return foldInvoice(state, domainEvent, tenantOf(event.streamName), index);
      if (domainEvent.type === 'ChargeRefunded') return foldRefund(state, domainEvent);
      return foldSubscription(state, domainEvent as DomainEventOf<SubscriptionEventType>, tenantOf(event.streamName), options);
    }
  }
}

function foldSubscription(state: RevenueState, event: DomainEventOf<SubscriptionEventType>, tenantId: string, options: RevenueFoldOptions): void {
  const { subscription: s, stripe } = event.data;
  const earning = REVENUE_STATUSES.has(s.status);
  const price = (discountById: DiscountById) => (earning ? monthlyAmount(stripe.object, s, stripe.created, options.knownPrice, discountById) : null);
  const amount = price(discountIdLookup(state));
  const namesDiscountsById = Array.isArray(stripe.object.discounts) && stripe.object.discounts.some((d) => typeof d === 'string');
  const next: SubscriptionAtBoundary = {
    lastEventCreated: stripe.created,
    type: event.type,
    status: s.status,
    currentPeriodStart: s.currentPeriodStart,
    mrr: amount && amount.amountMinor > 0n ? amount : null,
    unpriced: earning && amount === null,
    cancellationReason: s.cancellationReason,
    ...(earning && namesDiscountsById ? { reprice: price } : {}),
  };
  let history = state.subscriptions.get(s.id);
  if (!history) {
    history = { tenantId, atBoundary: state.boundaries.map(() => null), firstRevenueAt: null };
    state.subscriptions.set(s.id, history);
  }
  if (next.mrr && (history.firstRevenueAt === null || stripe.created < history.firstRevenueAt)) history.firstRevenueAt = stripe.created;
  // The rule the subscriptions read model applies, at every boundary the event precedes.
  for (let k = firstBoundaryAfter(state, stripe.created); k < state.boundaries.length; k++) {
    const current = history.atBoundary[k] ?? null;
    if (shouldApplySubscriptionEvent(current, { created: stripe.created, type: event.type, currentPeriodStart: s.currentPeriodStart })) history.atBoundary[k] = next;
  }
}

function foldInvoice(state: RevenueState, event: DomainEventOf<'InvoicePaid' | 'InvoicePaymentFailed'>, tenantId: string, index: number): void {
  const { invoice, stripe } = event.data;
  if (event.type === 'InvoicePaid') {
    const known = state.paidAt.get(invoice.id);
    if (known === undefined || stripe.created < known) state.paidAt.set(invoice.id, stripe.created);
    // A $0 invoice (a trial, a fully credited period) moves no money: no payment succeeded.
    if (index >= 0 && invoice.amountPaid > 0) state.counts[index]!.succeededPayments++;
    return;
  }
  if (index >= 0) state.counts[index]!.failedAttempts++;
  const failed = state.failedInvoices.get(invoice.id);
  if (failed) failed.firstFailedAt = Math.min(failed.firstFailedAt, stripe.created);
  else {
    state.failedInvoices.set(invoice.id, {
      tenantId,
      subscriptionId: invoice.subscriptionId,
      currency: invoice.currency,
      amountDueMinor: BigInt(invoice.amountDue),
      firstFailedAt: stripe.created,
    });
  }
}

function foldRefund(state: RevenueState, event: DomainEventOf<'ChargeRefunded'>): void {
  const { charge, stripe } = event.data;
  let refunded = state.refunds.get(charge.id);
  if (!refunded) {
    refunded = { currency: charge.currency, maxRefunded: state.boundaries.map(() => 0n) };
    state.refunds.set(charge.id, refunded);
  }
  // amount_refunded is cumulative on the charge: the largest seen before a boundary is what was refunded by then.
  const amount = BigInt(charge.amountRefunded);
  for (let k = firstBoundaryAfter(state, stripe.created); k < state.boundaries.length; k++) {
    if (amount > refunded.maxRefunded[k]!) refunded.maxRefunded[k] = amount;
  }
}

function foldDispute(state: RevenueState, data: unknown, created: number): void {
  const parsed = z.looseObject({ stripe: z.looseObject({ type: z.string(), object: disputeObject }) }).safeParse(data);
  if (!parsed.success) return;
  const { object } = parsed.data.stripe;
  const currency = normaliseCurrency(object.currency);
  let dispute = state.disputes.get(object.id);
  if (!dispute) {
    dispute = { currency, amountMinor: BigInt(object.amount), openedAt: created, closed: null };
    state.disputes.set(object.id, dispute);
  }
  dispute.openedAt = Math.min(dispute.openedAt, created);
  // A dispute is settled once its status is won or lost (charge.dispute.closed says so; so may a later update).
  const status = object.status ?? '';
  if (CLOSED_DISPUTE_STATUSES.has(status) && (!dispute.closed || created >= dispute.closed.at)) dispute.closed = { at: created, status };
}

const discountIdLookup = (state: RevenueState): DiscountById => (id) => state.discounts.get(id)?.object;

function foldDiscount(state: RevenueState, data: unknown, created: number): void {
  const parsed = z.looseObject({ stripe: z.looseObject({ object: z.looseObject({ id: z.string() }) }) }).safeParse(data);
  if (!parsed.success) return;
  const { object } = parsed.data.stripe;
  const known = state.discounts.get(object.id);
  if (!known || created >= known.created) state.discounts.set(object.id, { created, object });
}

/**
 * Prices again, with every discount the log showed, the subscription states that named their
 * discounts by id: called once the log is read, so the figures do not depend on whether the
 * discount's event came before or after the subscription's.
 */
export function settleDiscounts(state: RevenueState): void {
  const lookup = discountIdLookup(state);
  const settled = new Map<SubscriptionAtBoundary, SubscriptionAtBoundary>();
  for (const history of state.subscriptions.values()) {
    history.atBoundary = history.atBoundary.map((entry) => {
      if (!entry?.reprice) return entry;
      let done = settled.get(entry);
      if (!done) {
        const amount = entry.reprice(lookup);
        done = { ...entry, mrr: amount && amount.amountMinor > 0n ? amount : null, unpriced: amount === null };
        settled.set(entry, done);
      }
      return done;
    });
  }
}
