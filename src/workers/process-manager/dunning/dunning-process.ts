import { decideOnTenantEvent, DUNNING_TRIGGER_TYPES } from '../../../../domain/dunning/decide.ts';
import { dueSteps } from '../../../../domain/dunning/due.ts';
import { dunningStream, type PlannedEvent } from '../../../../domain/dunning/planned-event.ts';
import { evolveDunning, INITIAL_DUNNING_STATE, type DunningState } from '../../../../domain/dunning/state.ts';
import { WrongExpectedRevisionError } from '../../../../domain/ports/event-store.ts';
import { TENANT_STREAM_PREFIX } from '../../../../domain/routing/streams.ts';
import type { ProcessContext, ProcessDefinition } from '../process.ts';
import { loadProcess } from '../process-stream.ts';
import { performStep, unixNow } from './perform-step.ts';
import { recordExactly } from './record.ts';
import { invoiceHistory } from '../tenant-facts.ts';
import { createTimerIndex } from './timer-index.ts';

export interface DunningProcessOptions {
  /**
   * Where a notice sends the tenant to pay when the failed invoice has no hosted page (the
   * tenant's application, e.g. APP_URL, whose billing page opens a portal session). Normally the
   * invoice's own `hosted_invoice_url` is used: Stripe's page for paying that invoice, which
   * needs no login and no call to Stripe when the timer fires, and stays valid for days, unlike a
   * Customer Portal session, whose URL is short-lived and would have to be made at sending time.
   */
  readonly fallbackPaymentUrl: string;
  /** The plan's name for the confirmation email; null leaves it out. */
  readonly planNameForPrice?: (priceId: string | null) => string | null;
  /** How long a tenant whose step failed (mailer down, store error) waits before the next try. */
  readonly retryAfterSeconds?: number;
}

/** An attempt that lost a race retries on the fresh stream, a few times. */
const CONFLICT_ATTEMPTS = 3;

const revisionOf = (expected: bigint | string): bigint => (typeof expected === 'bigint' ? expected : -1n);

/**
 * What a decision needs of the tenant's stream beyond the event, read once: the paid invoices
 * when a failure arrives (Stripe may have delivered the payment first), and when a payment may
 * end the open run, the paid and failed ones, for the next run.
 */
async function tenantHistory(type: string, state: DunningState, context: ProcessContext, tenantId: string) {
  const needed = type === 'InvoicePaymentFailed' || (type === 'InvoicePaid' && state.openInvoiceId !== null);
  if (!needed) return { paidInvoices: [] };
  const { paid, failed } = await invoiceHistory(context.store, tenantId);
  return { paidInvoices: paid, failedInvoices: failed };
}

const applyAll = (state: DunningState, events: readonly PlannedEvent[]) => events.reduce((s, e) => evolveDunning(s, e), state);

/**
 * The dunning process (stream `dunning-<tenantId>`): a failed payment starts the seed schedule of
 * notices and the suspension (domain/dunning/), a payment resolves it and lifts a suspension, a
 * deleted subscription revokes access at its period end, and a subscription that becomes active
 * gets its confirmation email. `onEvent` only records decisions (due times included); `runDue`
 * performs what is due, one step at a time, each on the stream as just read.
 */
export function createDunningProcess(options: DunningProcessOptions): ProcessDefinition {
  // Claims this instance took: its own it may retry at once; another instance's wait (due.ts).
  const ownClaims = new Set<string>();
  const index = createTimerIndex(ownClaims);
  const planNameForPrice = options.planNameForPrice ?? (() => null);
  const retryAfter = options.retryAfterSeconds ?? 60;

  async function performDue(tenantId: string, context: ProcessContext): Promise<void> {
    const stream = dunningStream(tenantId);
    const loaded = await loadProcess(context.store, stream, INITIAL_DUNNING_STATE, evolveDunning);
    let state = loaded.state;
    let revision = revisionOf(loaded.expected);
    try {
      for (let step = dueSteps(state, unixNow(context), ownClaims)[0]; step; step = dueSteps(state, unixNow(context), ownClaims)[0]) {
        const outcome = await performStep(tenantId, step, revision, context, ownClaims, planNameForPrice);
        state = applyAll(state, outcome.recorded);
        revision = outcome.revision;
      }
    } finally {
      index.set(tenantId, state, revision);
    }
  }

  return {
    name: 'dunning',
    eventTypes: new Set(DUNNING_TRIGGER_TYPES),

    async onEvent({ event, recorded }, context) {
      if (!recorded.streamName.startsWith(TENANT_STREAM_PREFIX)) return;
      const tenantId = recorded.streamName.slice(TENANT_STREAM_PREFIX.length);
      const stream = dunningStream(tenantId);
      for (let attempt = 1; ; attempt++) {
        const loaded = await loadProcess(context.store, stream, INITIAL_DUNNING_STATE, evolveDunning);
        const decided = decideOnTenantEvent(loaded.state, {
          tenantId,
          eventId: recorded.id,
          event,
          now: unixNow(context),
          ...(await tenantHistory(event.type, loaded.state, context, tenantId)),
          fallbackPaymentUrl: options.fallbackPaymentUrl,
        });
        if (decided.length === 0) return index.set(tenantId, loaded.state, revisionOf(loaded.expected));
        try {
          const revision = await recordExactly(context.store, stream, loaded.expected, decided);
          index.set(tenantId, applyAll(loaded.state, decided), revision);
          context.logger.info({ tenantId, cause: event.type, recorded: decided.map((e) => e.type) }, 'dunning: recorded');
          return;
        } catch (error) {
          if (!(error instanceof WrongExpectedRevisionError) || attempt >= CONFLICT_ATTEMPTS) throw error;
        }
      }
    },

    async runDue(context) {
      await index.catchUp(context.store);
      for (const tenantId of index.due(unixNow(context))) {
        try {
          await performDue(tenantId, context);
        } catch (error) {
          if (error instanceof WrongExpectedRevisionError) {
            // Another instance recorded first: never act on this view; read the stream again next time.
            context.logger.warn({ tenantId, err: error }, 'dunning: another instance recorded a step first; re-reading');
            index.invalidate(tenantId);
          } else {
            context.logger.error({ tenantId, err: error }, 'dunning: a step failed; it will be tried again');
            index.invalidate(tenantId, unixNow(context) + retryAfter);
          }
        }
      }
      const next = index.nextDue();
      return next === null ? null : new Date(next * 1000);
    },
  };
}
