import { safeParseDomainEvent, type DomainEvent } from '../../domain/events/catalogue.ts';
import type { PlanCatalogue } from '../../domain/plans/catalogue.ts';
import type { EventStore, RecordedEvent } from '../../domain/ports/event-store.ts';
import { tenantStream } from '../../domain/routing/streams.ts';
import { BatchRows } from '../../projections/batch-rows.ts';
import { foldInvoices, invoiceKey } from '../../projections/invoices/evolve.ts';
import type { InvoiceRow } from '../../projections/invoices/row.ts';
import { foldPayments, paymentsRows } from '../../projections/payments/evolve.ts';
import type { ProjectionContext } from '../../projections/projection.ts';
import { foldSubscriptions, subscriptionKey } from '../../projections/subscriptions/evolve.ts';
import type { SubscriptionRow } from '../../projections/subscriptions/row.ts';

/*
 * A tenant as it stood at an instant: its stream replayed through the read models' own evolve
 * functions, keeping only the events that had happened by then (Stripe's `created`, an intent's
 * `requestedAt`, a process event's `at`) and, optionally, that the ledger had recorded by a
 * second instant.
 */

const PAGE_SIZE = 1000;

/** Statuses in which a subscription entitles its tenant to its plan. */
const ENTITLING_STATUSES: ReadonlySet<string> = new Set(['trialing', 'active', 'past_due']);
const ENDED_STATUSES: ReadonlySet<string> = new Set(['canceled', 'incomplete_expired']);

export interface StateAtOptions {
  readonly at: Date;
  readonly recordedBefore: Date | null;
}

/** When an event happened, in Unix seconds, by what it carries; null when it says nothing. */
function happenedAt(event: DomainEvent): number | null {
  const data = event.data as { stripe?: { created: number }; requestedAt?: number; at?: number };
  return data.stripe?.created ?? data.requestedAt ?? data.at ?? null;
}

/** The tenant's streams: its billing events, and the process manager's record of it. */
export function tenantStreams(tenantId: string): string[] {
  return [tenantStream(tenantId), `provisioning-${tenantId}`, `dunning-${tenantId}`];
}

export async function readWholeStream(store: EventStore, stream: string): Promise<RecordedEvent[]> {
  const events: RecordedEvent[] = [];
  for (;;) {
    const page = await store.readStream(stream, { from: events.length ? events.at(-1)!.revision + 1n : 0n, limit: PAGE_SIZE });
    events.push(...page);
    if (page.length < PAGE_SIZE) return events;
  }
}

export function tenantStateAt(tenantId: string, recorded: readonly RecordedEvent[], options: StateAtOptions, context: ProjectionContext, catalogue: PlanCatalogue) {
  const at = options.at.getTime() / 1000;
  const events: DomainEvent[] = [];
  let later = 0;
  let notYetRecorded = 0;
  for (const r of recorded) {
    if (options.recordedBefore && r.recordedAt >= options.recordedBefore) {
      notYetRecorded++;
      continue;
    }
    const parsed = safeParseDomainEvent(r.type, r.data);
    if (!parsed.success) continue;
    const when = happenedAt(parsed.event);
    if (when === null || when > at) {
      later++;
      continue;
    }
    events.push(parsed.event);
  }

  const subscriptions = new BatchRows<SubscriptionRow>(subscriptionKey);
  foldSubscriptions(subscriptions, events, context);
  const payments = paymentsRows();
  foldPayments(payments, events);
  const invoices = new BatchRows<InvoiceRow>(invoiceKey);
  foldInvoices(invoices, events);

  // As the billing API picks it: a live subscription if any, newest first, else the last that ended.
  const ordered = subscriptions.all().sort((a, b) => Number(ENDED_STATUSES.has(a.status)) - Number(ENDED_STATUSES.has(b.status)) || b.created.getTime() - a.created.getTime());
  const current = ordered[0] ?? null;
  const plan = current?.plan_id ? (catalogue.plans.find((p) => p.id === current.plan_id) ?? null) : null;
  const entitled = current !== null && ENTITLING_STATUSES.has(current.status);
  // The process manager's streams are separate: the latest access change by its own time decides.
  const lastAccess = events
    .filter((e) => e.type === 'AccessSuspended' || e.type === 'AccessRestored' || e.type === 'AccessRevoked')
    .reduce<DomainEvent | null>((last, e) => (last === null || happenedAt(e)! >= happenedAt(last)! ? e : last), null);
  const access = lastAccess
    ? {
        state: lastAccess.type === 'AccessRestored' ? 'granted' : lastAccess.type === 'AccessSuspended' ? 'suspended' : 'revoked',
        source: 'process events',
        reason: (lastAccess.data as { reason: string }).reason,
        since: new Date(happenedAt(lastAccess)! * 1000).toISOString(),
      }
    : { state: entitled ? 'granted' : 'none', source: 'subscription status', reason: null, since: null };

  const iso = (d: Date | null) => d?.toISOString() ?? null;
  return {
    tenantId,
    at: options.at.toISOString(),
    recordedBefore: iso(options.recordedBefore),
    events: { replayed: events.length, happenedLater: later, notYetRecorded },
    subscription: current && {
      stripeSubscriptionId: current.stripe_subscription_id,
      status: current.status,
      planId: current.plan_id,
      stripePriceId: current.stripe_price_id,
      quantity: current.quantity,
      currentPeriodStart: iso(current.current_period_start),
      currentPeriodEnd: iso(current.current_period_end),
      cancelAtPeriodEnd: current.cancel_at_period_end,
      cancelDate: iso(current.cancel_date),
      cancelReason: current.cancel_reason,
      pendingPlanId: current.pending_plan_id,
      trialEnd: iso(current.trial_end),
      livemode: current.livemode,
    },
    otherSubscriptions: ordered.slice(1).map((s) => ({ stripeSubscriptionId: s.stripe_subscription_id, status: s.status, planId: s.plan_id })),
    entitlement: {
      plan: plan && { id: plan.id, name: plan.name, tier: plan.tier, billingCycle: plan.billingCycle, limits: plan.limits },
      entitled,
      access,
    },
    payments: {
      paid: payments.payments
        .all()
        .sort((a, b) => a.paid_at.getTime() - b.paid_at.getTime())
        .map((p) => ({ invoiceId: p.stripe_invoice_id, amountMinor: p.amount_minor, refundedMinor: p.amount_refunded_minor, currency: p.currency, status: p.status, paidAt: p.paid_at.toISOString() })),
      unpaidInvoices: invoices
        .all()
        .filter((i) => i.status === 'open' || i.status === 'uncollectible')
        .map((i) => ({ invoiceId: i.stripe_invoice_id, status: i.status, amountRemainingMinor: i.amount_remaining_minor, currency: i.currency })),
    },
  };
}

export type TenantState = ReturnType<typeof tenantStateAt>;
