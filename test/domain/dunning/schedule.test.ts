import { expect } from 'chai';
import fc from 'fast-check';
import { decideOnTenantEvent } from '../../../domain/dunning/decide.ts';
import { CLAIM_TAKEOVER_SECONDS, dueSteps, nextDueAt, type PendingStep } from '../../../domain/dunning/due.ts';
import type { PlannedEvent } from '../../../domain/dunning/planned-event.ts';
import { SEED_SCHEDULE } from '../../../domain/dunning/schedule.ts';
import { foldDunning, type StreamEvent } from '../../../domain/dunning/state.ts';
import { accessChange, claimEmail, emailKeyFor, emailSent } from '../../../domain/dunning/steps.ts';
import { invoiceFailed, invoicePaidEvent, TENANT } from './events.ts';

const DAY = 86_400;
const T = 1_793_491_200; // 2026-11-01T00:00:00Z

const asStream = (events: readonly PlannedEvent[]): StreamEvent[] => events.map((e) => ({ id: e.id, type: e.type, data: e.data }));

function started(now = T): PlannedEvent[] {
  return decideOnTenantEvent(foldDunning([]), { tenantId: TENANT, eventId: 'e-failed', event: invoiceFailed('in_1'), now, paidInvoices: [], fallbackPaymentUrl: 'https://app.example/billing' });
}

/**
 * A process that performs due steps as the runner does, but may crash after any event it
 * records: each "restart" is a new instance that folds the log from scratch and knows no claim as
 * its own. The outbox keeps one message per key.
 */
function simulate(times: readonly number[], crashes: readonly boolean[], settleAt?: number) {
  const log: PlannedEvent[] = started();
  const outbox = new Map<string, number>();
  const fired: { step: string; at: number; dueAt: number }[] = [];
  let own = new Set<string>();
  let crash = 0;
  // Each listed crash happens once; after the list, the process runs without crashing.
  let settling = false;
  const crashNow = () => {
    const crashed = !settling && crashes[crash++] === true;
    if (crashed) own = new Set();
    return crashed;
  };
  for (const now of settleAt === undefined ? times : [...times, settleAt]) {
    settling = now === settleAt;
    for (;;) {
      const step: PendingStep | undefined = dueSteps(foldDunning(asStream(log)), now, own)[0];
      if (!step) break;
      if (step.kind === 'notice') {
        let claimId = step.claim?.id ?? null;
        if (claimId === null || !own.has(claimId)) {
          const claim = claimEmail(TENANT, step, now);
          log.push(claim);
          own.add(claim.id);
          claimId = claim.id;
          if (crashNow()) continue; // crashed after the claim, before sending
        }
        const key = emailKeyFor(TENANT, step);
        outbox.set(key, (outbox.get(key) ?? 0) + 1);
        if (crashNow()) continue; // crashed after sending, before recording
        log.push(emailSent(TENANT, step, claimId, { recipient: 'a@b.example', messageId: key }, now));
        fired.push({ step: step.step, at: now, dueAt: step.dueAt });
      } else if (step.kind === 'suspend') {
        log.push(accessChange(TENANT, step, now));
        fired.push({ step: 'suspend', at: now, dueAt: step.dueAt });
      } else {
        throw new Error(`unexpected ${step.kind}`);
      }
    }
  }
  return { log, outbox, fired };
}

const increasingTimes = fc.array(fc.integer({ min: 0, max: 3 * DAY }), { maxLength: 12 }).map((steps) => {
  let t = T;
  return steps.map((s) => (t += s));
});

describe('dunning schedule (pure rules)', () => {
  it('starts with the seed schedule: notices on days 0, 3 and 5, suspension on day 7', () => {
    const [event] = started();
    expect(event?.type).to.equal('DunningStarted');
    if (event?.type !== 'DunningStarted') return;
    expect(event.data.schedule).to.deep.equal([
      { step: 'first-notice', action: 'email', dueAt: T },
      { step: 'second-notice', action: 'email', dueAt: T + 3 * DAY },
      { step: 'final-warning', action: 'email', dueAt: T + 5 * DAY },
      { step: 'suspend', action: 'suspend', dueAt: T + 7 * DAY },
    ]);
    expect(event.data.paymentUrl).to.equal('https://invoice.stripe.com/i/in_1');
  });

  it('fires every step once, in order, never before it is due, and none is skipped, whatever the clock does and wherever the process crashes', () => {
    fc.assert(
      fc.property(increasingTimes, fc.array(fc.boolean(), { maxLength: 8 }), (times, crashes) => {
        // A step a crashed instance had claimed waits for the takeover, so the run ends with a look
        // that late, without crashes: everything due by the last look before it has fired by then.
        const last = times.at(-1);
        const { fired, outbox } = simulate(times, crashes, last === undefined ? undefined : last + CLAIM_TAKEOVER_SECONDS);
        const order = SEED_SCHEDULE.map((s) => s.step);
        expect(fired.map((f) => f.step)).to.deep.equal(order.slice(0, fired.length));
        for (const f of fired) expect(f.at).to.be.at.least(f.dueAt);
        const dueBy = (at: number) => SEED_SCHEDULE.filter((s) => T + s.day * DAY <= at).length;
        if (last !== undefined) expect(fired.length).to.be.within(dueBy(last), dueBy(last + CLAIM_TAKEOVER_SECONDS));
        else expect(fired).to.have.length(0);
        // A resend after a crash reuses the key: the outbox holds exactly one message per notice recorded.
        expect([...outbox.keys()]).to.deep.equal(fired.filter((f) => f.step !== 'suspend').map((f) => `dunning/${TENANT}/in_1/${f.step}`));
      }),
    );
  });

  it('a payment at any time cancels every step not yet done, and lifts a suspension', () => {
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 10 * DAY }), (paidAfter) => {
        const { log } = simulate([T + paidAfter], []);
        const state = foldDunning(asStream(log));
        const decided = decideOnTenantEvent(state, { tenantId: TENANT, eventId: 'e-paid', event: invoicePaidEvent('in_1'), now: T + paidAfter, paidInvoices: [], fallbackPaymentUrl: 'x' });
        const after = foldDunning(asStream([...log, ...decided]));
        expect(after.openInvoiceId).to.equal(null);
        expect(after.suspendedBy).to.equal(null);
        expect(nextDueAt(after)).to.equal(null);
        expect(decided.some((e) => e.type === 'AccessRestored')).to.equal(paidAfter >= 7 * DAY);
        const resolved = decided.find((e) => e.type === 'DunningResolved');
        const done = SEED_SCHEDULE.filter((s) => s.day * DAY <= paidAfter).map((s) => s.step);
        expect(resolved?.type === 'DunningResolved' && resolved.data.cancelledSteps).to.deep.equal(SEED_SCHEDULE.map((s) => s.step).filter((s) => !done.includes(s)));
      }),
    );
  });
});
