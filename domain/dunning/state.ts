import { safeParseDomainEvent, type DomainEventOf } from '../events/catalogue.ts';
import type { DunningStep, ScheduledStep } from '../events/dunning-events.ts';

/**
 * An email claimed (`…Sending`) and not yet recorded as sent. `count` is how many claims the step
 * has had: a claim left by an instance that stopped is taken over by a new claim, not reused.
 */
export interface EmailClaim {
  readonly id: string;
  /** When it was claimed (Unix seconds): a claim is left to its holder for a while (due.ts). */
  readonly at: number;
  readonly count: number;
}

/** One dunning run: a failed invoice, its schedule and how far it got. */
export interface DunningRun {
  readonly invoiceId: string;
  readonly invoiceNumber: string | null;
  readonly subscriptionId: string | null;
  readonly invoiceCreated: number;
  readonly amountDue: number;
  readonly currency: string;
  readonly paymentUrl: string;
  /** The DunningStarted event's id: every step of the run carries it as its correlation id. */
  readonly correlationId: string;
  readonly schedule: readonly ScheduledStep[];
  readonly done: readonly DunningStep[];
  /** Notices claimed (DunningNoticeSending) but not yet recorded as sent. */
  readonly sending: ReadonlyMap<DunningStep, EmailClaim>;
  readonly resolved: boolean;
}

export interface Revocation {
  readonly subscriptionId: string;
  readonly revokeAt: number;
  readonly correlationId: string;
  readonly state: 'scheduled' | 'revoked' | 'cancelled';
}

export interface Activation {
  readonly subscriptionId: string;
  readonly status: string;
  readonly priceId: string | null;
  readonly correlationId: string;
  readonly requestedAt: number;
  /** The Stripe event's `created`: an activation the ledger learns of long after it happened gets no email. */
  readonly stripeCreated: number;
  readonly claim: EmailClaim | null;
  readonly confirmed: boolean;
}

/** A tenant's `dunning-<tenantId>` stream, folded. */
export interface DunningState {
  /** Every run ever started, by invoice id: an invoice is dunned once. */
  readonly runs: ReadonlyMap<string, DunningRun>;
  /** The run still in progress, if any: one at a time per tenant. */
  readonly openInvoiceId: string | null;
  /** The invoice whose dunning suspended access, while it is suspended. */
  readonly suspendedBy: string | null;
  readonly revocations: ReadonlyMap<string, Revocation>;
  readonly activations: ReadonlyMap<string, Activation>;
}

export const INITIAL_DUNNING_STATE: DunningState = {
  runs: new Map(),
  openInvoiceId: null,
  suspendedBy: null,
  revocations: new Map(),
  activations: new Map(),
};

/** What the fold reads of a recorded event. */
export interface StreamEvent {
  readonly id: string;
  readonly type: string;
  readonly data: unknown;
}

const nextClaim = (previous: EmailClaim | null | undefined, id: string, at: number): EmailClaim => ({ id, at, count: (previous?.count ?? 0) + 1 });

const withEntry = <K, V>(map: ReadonlyMap<K, V>, key: K, value: V): ReadonlyMap<K, V> => new Map(map).set(key, value);

function updateRun(state: DunningState, invoiceId: string, change: (run: DunningRun) => DunningRun): DunningState {
  const run = state.runs.get(invoiceId);
  return run ? { ...state, runs: withEntry(state.runs, invoiceId, change(run)) } : state;
}

function evolveStarted(state: DunningState, id: string, data: DomainEventOf<'DunningStarted'>['data']): DunningState {
  const run: DunningRun = {
    invoiceId: data.invoiceId,
    invoiceNumber: data.invoiceNumber,
    subscriptionId: data.subscriptionId,
    invoiceCreated: data.invoiceCreated,
    amountDue: data.amountDue,
    currency: data.currency,
    paymentUrl: data.paymentUrl,
    correlationId: id,
    schedule: data.schedule,
    done: [],
    sending: new Map(),
    resolved: false,
  };
  return { ...state, runs: withEntry(state.runs, data.invoiceId, run), openInvoiceId: data.invoiceId };
}

function markStepDone(run: DunningRun, step: DunningStep): DunningRun {
  const sending = new Map(run.sending);
  sending.delete(step);
  return { ...run, done: run.done.includes(step) ? run.done : [...run.done, step], sending };
}

/**
 * Folds one event of the stream into the state. Pure, and total over the stream: types it does
 * not know (another process's, a newer release's) leave the state as it was.
 */
export function evolveDunning(state: DunningState, recorded: StreamEvent): DunningState {
  const parsed = safeParseDomainEvent(recorded.type, recorded.data);
  if (!parsed.success) return state;
  const event = parsed.event;
  switch (event.type) {
    case 'DunningStarted':
      return evolveStarted(state, recorded.id, event.data);
    case 'DunningNoticeSending':
      return updateRun(state, event.data.invoiceId, (run) => ({
        ...run,
        sending: new Map(run.sending).set(event.data.step, nextClaim(run.sending.get(event.data.step), recorded.id, event.data.at)),
      }));
    case 'DunningNoticeSent':
      return updateRun(state, event.data.invoiceId, (run) => markStepDone(run, event.data.step));
    case 'AccessSuspended':
      return { ...updateRun(state, event.data.invoiceId, (run) => markStepDone(run, 'suspend')), suspendedBy: event.data.invoiceId };
    case 'AccessRestored':
      return { ...state, suspendedBy: null };
    case 'DunningResolved': {
      const resolved = updateRun(state, event.data.invoiceId, (run) => ({ ...run, resolved: true, sending: new Map() }));
      return { ...resolved, openInvoiceId: state.openInvoiceId === event.data.invoiceId ? null : state.openInvoiceId };
    }
    case 'AccessRevocationScheduled':
      return {
        ...state,
        revocations: withEntry(state.revocations, event.data.subscriptionId, {
          subscriptionId: event.data.subscriptionId,
          revokeAt: event.data.revokeAt,
          correlationId: recorded.id,
          state: 'scheduled',
        }),
      };
    case 'AccessRevocationCancelled':
    case 'AccessRevoked': {
      const revocation = state.revocations.get(event.data.subscriptionId);
      if (!revocation) return state;
      const next = event.type === 'AccessRevoked' ? 'revoked' : 'cancelled';
      return { ...state, revocations: withEntry(state.revocations, revocation.subscriptionId, { ...revocation, state: next }) };
    }
    case 'ActivationConfirmationRequested':
      return {
        ...state,
        activations: withEntry(state.activations, event.data.subscriptionId, {
          subscriptionId: event.data.subscriptionId,
          status: event.data.status,
          priceId: event.data.priceId,
          correlationId: recorded.id,
          requestedAt: event.data.at,
          stripeCreated: event.data.stripeCreated,
          claim: null,
          confirmed: false,
        }),
      };
    case 'ActivationConfirmationSending':
    case 'ActivationConfirmed': {
      const activation = state.activations.get(event.data.subscriptionId);
      if (!activation) return state;
      const next =
        event.type === 'ActivationConfirmed' ? { ...activation, confirmed: true, claim: null } : { ...activation, claim: nextClaim(activation.claim, recorded.id, event.data.at) };
      return { ...state, activations: withEntry(state.activations, activation.subscriptionId, next) };
    }
    default:
      return state;
  }
}

export const foldDunning = (events: readonly StreamEvent[]): DunningState => events.reduce(evolveDunning, INITIAL_DUNNING_STATE);
