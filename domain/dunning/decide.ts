import type { DomainEvent, DomainEventOf } from '../events/catalogue.ts';
import type { InvoiceSnapshot } from '../events/invoice-events.ts';
import { dunningEventId, planned, type PlannedEvent } from './planned-event.ts';
import { scheduleFrom } from './schedule.ts';
import { settles, type InvoiceRef } from './settlement.ts';
import type { DunningRun, DunningState } from './state.ts';

/** The tenant events the dunning process reacts to. */
export const DUNNING_TRIGGER_TYPES = ['InvoicePaymentFailed', 'InvoicePaid', 'SubscriptionDeleted', 'SubscriptionCreated', 'SubscriptionUpdated'] as const;

/** Subscription statuses that count as "active" for the confirmation email (a trial is access too). */
const ACTIVE_STATUSES: readonly string[] = ['active', 'trialing'];

export interface TenantEventInput {
  readonly tenantId: string;
  /** The tenant event's id in the log: the causation of what it starts. */
  readonly eventId: string;
  readonly event: DomainEvent;
  /** The process clock, Unix seconds. */
  readonly now: number;
  /** Invoices the tenant's stream shows paid (read for a payment failure, and for a payment while a run is open). */
  readonly paidInvoices: readonly InvoiceRef[];
  /**
   * The failures the tenant's stream shows, the newest of each invoice (read for a payment while
   * a run is open): one that failed while another run was open gets its own run when that one ends.
   */
  readonly failedInvoices?: readonly DomainEventOf<'InvoicePaymentFailed'>['data'][];
  /** Where to send the tenant to pay when the invoice has no hosted page. */
  readonly fallbackPaymentUrl: string;
}

export const invoiceRef = (invoice: InvoiceSnapshot): InvoiceRef => ({ invoiceId: invoice.id, subscriptionId: invoice.subscriptionId, invoiceCreated: invoice.created });

const UNPAYABLE_STATUSES: readonly (string | null)[] = ['paid', 'void', 'uncollectible'];

function onPaymentFailed(state: DunningState, input: TenantEventInput, data: DomainEventOf<'InvoicePaymentFailed'>['data']): PlannedEvent[] {
  // One run at a time: a failure while another runs waits for it to end (see onPaid).
  if (state.openInvoiceId !== null) return [];
  const started = startRun(state, input, data, input.paidInvoices);
  return started ? [started] : [];
}

/** A run for a failed invoice, unless it had one (Stripe's retries fail the same invoice again) or nothing is left to pay. */
function startRun(state: DunningState, input: TenantEventInput, data: DomainEventOf<'InvoicePaymentFailed'>['data'], paidInvoices: readonly InvoiceRef[]): PlannedEvent | null {
  const invoice = data.invoice;
  if (state.runs.has(invoice.id)) return null;
  if (UNPAYABLE_STATUSES.includes(invoice.status) || invoice.amountRemaining === 0) return null;
  if (invoice.subscriptionId !== null && state.revocations.has(invoice.subscriptionId)) return null;
  if (paidInvoices.some((paid) => settles(paid, invoiceRef(invoice)))) return null;
  return planned(
    'DunningStarted',
    {
      tenantId: input.tenantId,
      at: input.now,
      invoiceId: invoice.id,
      invoiceNumber: invoice.number,
      subscriptionId: invoice.subscriptionId,
      invoiceCreated: invoice.created,
      stripeEventId: data.stripe.eventId,
      amountDue: invoice.amountRemaining,
      currency: invoice.currency,
      paymentUrl: invoice.hostedInvoiceUrl ?? input.fallbackPaymentUrl,
      schedule: scheduleFrom(input.now),
    },
    { id: dunningEventId(input.tenantId, `started/${invoice.id}`), causationId: input.eventId },
  );
}

/** Ends a run: the steps it had not reached are cancelled. */
function resolve(
  open: DunningRun,
  input: TenantEventInput,
  how: Pick<DomainEventOf<'DunningResolved'>['data'], 'reason' | 'paidInvoiceId' | 'stripeEventId'>,
): PlannedEvent {
  return planned(
    'DunningResolved',
    {
      tenantId: input.tenantId,
      at: input.now,
      invoiceId: open.invoiceId,
      ...how,
      cancelledSteps: open.schedule.map((s) => s.step).filter((step) => !open.done.includes(step)),
    },
    { id: dunningEventId(input.tenantId, `resolved/${open.invoiceId}`), correlationId: open.correlationId, causationId: input.eventId },
  );
}

function onPaid(state: DunningState, input: TenantEventInput, data: DomainEventOf<'InvoicePaid'>['data']): PlannedEvent[] {
  const paid = invoiceRef(data.invoice);
  const out: PlannedEvent[] = [];
  const open = state.openInvoiceId === null ? undefined : state.runs.get(state.openInvoiceId);
  const resolvesOpen = open !== undefined && settles(paid, open);
  if (resolvesOpen) out.push(resolve(open, input, { reason: 'paid', paidInvoiceId: paid.invoiceId, stripeEventId: data.stripe.eventId }));
  const suspending = state.suspendedBy === null ? undefined : state.runs.get(state.suspendedBy);
  if (suspending && settles(paid, suspending)) {
    out.push(
      planned(
        'AccessRestored',
        { tenantId: input.tenantId, at: input.now, invoiceId: suspending.invoiceId, reason: `invoice ${paid.invoiceId} paid` },
        { id: dunningEventId(input.tenantId, `restored/${suspending.invoiceId}`), correlationId: suspending.correlationId, causationId: input.eventId },
      ),
    );
  }
  if (resolvesOpen) {
    // Another invoice that failed while this run was open, still unpaid: its run starts now.
    const paidNow = [...input.paidInvoices, paid];
    const waiting = [...(input.failedInvoices ?? [])].sort((a, b) => b.invoice.created - a.invoice.created);
    for (const failure of waiting) {
      const started = startRun(state, input, failure, paidNow);
      if (started) {
        out.push(started);
        break;
      }
    }
  }
  return out;
}

/**
 * A deleted subscription ends the tenant's access at the period end Stripe reports (falling back
 * to when it ended, then to the event), unless another subscription of the tenant is live. Its
 * open dunning stops: there is nothing left to pay for.
 */
function onDeleted(state: DunningState, input: TenantEventInput, data: DomainEventOf<'SubscriptionDeleted'>['data']): PlannedEvent[] {
  const subscription = data.subscription;
  if (state.revocations.has(subscription.id)) return [];
  const out: PlannedEvent[] = [];
  const open = state.openInvoiceId === null ? undefined : state.runs.get(state.openInvoiceId);
  if (open && open.subscriptionId === subscription.id) {
    out.push(resolve(open, input, { reason: 'subscription-deleted', paidInvoiceId: null, stripeEventId: data.stripe.eventId }));
  }
  const otherLive = [...state.activations.keys()].some((id) => id !== subscription.id && !state.revocations.has(id));
  if (!otherLive) {
    out.push(
      planned(
        'AccessRevocationScheduled',
        {
          tenantId: input.tenantId,
          at: input.now,
          subscriptionId: subscription.id,
          revokeAt: subscription.currentPeriodEnd ?? subscription.endedAt ?? data.stripe.created,
          stripeEventId: data.stripe.eventId,
        },
        { id: dunningEventId(input.tenantId, `revocation/${subscription.id}`), causationId: input.eventId },
      ),
    );
  }
  return out;
}

/**
 * The first time a subscription is seen active (or trialing): a confirmation email, once per
 * subscription; and a newer live subscription keeps access past an older one's scheduled end.
 * A subscription already deleted is not revived by an older update delivered late.
 */
function onSubscriptionActive(state: DunningState, input: TenantEventInput, data: DomainEventOf<'SubscriptionCreated' | 'SubscriptionUpdated'>['data']): PlannedEvent[] {
  const subscription = data.subscription;
  if (!ACTIVE_STATUSES.includes(subscription.status)) return [];
  if (state.activations.has(subscription.id) || state.revocations.has(subscription.id)) return [];
  const requestedId = dunningEventId(input.tenantId, `activation/${subscription.id}`);
  const out: PlannedEvent[] = [
    planned(
      'ActivationConfirmationRequested',
      {
        tenantId: input.tenantId,
        at: input.now,
        subscriptionId: subscription.id,
        status: subscription.status,
        priceId: subscription.priceId,
        stripeEventId: data.stripe.eventId,
        stripeCreated: data.stripe.created,
      },
      { id: requestedId, causationId: input.eventId },
    ),
  ];
  for (const revocation of state.revocations.values()) {
    if (revocation.state !== 'scheduled') continue;
    out.push(
      planned(
        'AccessRevocationCancelled',
        { tenantId: input.tenantId, at: input.now, subscriptionId: revocation.subscriptionId, supersededBy: subscription.id, stripeEventId: data.stripe.eventId },
        { id: dunningEventId(input.tenantId, `revocation-cancelled/${revocation.subscriptionId}`), correlationId: revocation.correlationId, causationId: input.eventId },
      ),
    );
  }
  return out;
}

/**
 * What the process records in reaction to one tenant event, given its stream so far. Pure and
 * idempotent: deciding again on a state that already holds the outcome decides nothing.
 */
export function decideOnTenantEvent(state: DunningState, input: TenantEventInput): PlannedEvent[] {
  const event = input.event;
  switch (event.type) {
    case 'InvoicePaymentFailed':
      return onPaymentFailed(state, input, event.data);
    case 'InvoicePaid':
      return onPaid(state, input, event.data);
    case 'SubscriptionDeleted':
      return onDeleted(state, input, event.data);
    case 'SubscriptionCreated':
    case 'SubscriptionUpdated':
      return onSubscriptionActive(state, input, event.data);
    default:
      return [];
  }
}
