import { expect } from 'chai';
import fc from 'fast-check';
import { SUBSCRIPTION_STATUSES, type SubscriptionStatus } from '../../../domain/events/subscription-events.ts';
import {
  isTerminalStatus,
  shouldApplySubscriptionEvent,
  TERMINAL_STATUSES,
  type SubscriptionEventType,
} from '../../../domain/subscriptions/apply-rule.ts';

interface Incoming {
  readonly created: number;
  readonly type: SubscriptionEventType;
  readonly status: SubscriptionStatus;
  readonly currentPeriodStart: number | null;
}

interface Row {
  readonly lastEventCreated: number;
  readonly status: string;
  readonly currentPeriodStart: number | null;
}

/** What a projection does with the rule: replace the row when it says so. */
function fold(events: readonly Incoming[]): Row | null {
  let row: Row | null = null;
  for (const event of events) {
    if (shouldApplySubscriptionEvent(row, event)) row = rowOf(event);
  }
  return row;
}

const rowOf = (event: Incoming): Row => ({ lastEventCreated: event.created, status: event.status, currentPeriodStart: event.currentPeriodStart });

const shuffled = <T>(list: readonly T[]) => fc.shuffledSubarray([...list], { minLength: list.length, maxLength: list.length });

const eventType = fc.constantFrom<SubscriptionEventType>('SubscriptionCreated', 'SubscriptionUpdated', 'SubscriptionDeleted', 'SubscriptionTrialWillEnd');
const status = fc.constantFrom(...SUBSCRIPTION_STATUSES);
const liveStatus = fc.constantFrom(...SUBSCRIPTION_STATUSES.filter((s) => !isTerminalStatus(s)));
const second = fc.integer({ min: 1_600_000_000, max: 1_900_000_000 });
const periodStart = fc.option(second, { nil: null });

/**
 * One subscription's life, in the order it happened: a creation, then updates (trial notices
 * among them) whose period start never goes back, then maybe an ending (a deletion, or an update
 * to a terminal status). Events often share a second. Two live updates in the same second
 * differ in period start, or nothing (not even Stripe) could say which is newer. The newest is
 * the last one.
 */
const lifecycle: fc.Arbitrary<Incoming[]> = fc
  .record({
    start: second,
    created: fc.record({ status: fc.constantFrom<SubscriptionStatus>('incomplete', 'trialing', 'active'), periodStart }),
    steps: fc.array(
      fc.record({
        type: fc.constantFrom<SubscriptionEventType>('SubscriptionUpdated', 'SubscriptionTrialWillEnd'),
        status: liveStatus,
        sameSecond: fc.boolean(),
        seconds: fc.integer({ min: 1, max: 3_000_000 }),
        periodAdvance: fc.nat({ max: 3_000_000 }),
      }),
      { maxLength: 8 },
    ),
    ending: fc.option(
      fc.record({
        type: fc.constantFrom<SubscriptionEventType>('SubscriptionDeleted', 'SubscriptionUpdated'),
        status: fc.constantFrom(...TERMINAL_STATUSES),
        sameSecond: fc.boolean(),
        seconds: fc.integer({ min: 1, max: 3_000_000 }),
        periodAdvance: fc.nat({ max: 3_000_000 }),
      }),
      { nil: null },
    ),
  })
  .map(({ start, created, steps, ending }) => {
    const events: Incoming[] = [{ created: start, type: 'SubscriptionCreated', status: created.status, currentPeriodStart: created.periodStart }];
    const add = (step: { type: SubscriptionEventType; status: SubscriptionStatus; sameSecond: boolean; seconds: number; periodAdvance: number }) => {
      const previous = events[events.length - 1]!;
      const sameSecond = step.sameSecond;
      const bothLive = previous.type !== 'SubscriptionCreated' && !isTerminalStatus(step.status);
      const advance = sameSecond && bothLive ? Math.max(1, step.periodAdvance) : step.periodAdvance;
      events.push({
        created: sameSecond ? previous.created : previous.created + step.seconds,
        type: step.type,
        status: step.type === 'SubscriptionDeleted' ? 'canceled' : step.status,
        currentPeriodStart: previous.currentPeriodStart === null ? start + advance : previous.currentPeriodStart + advance,
      });
    };
    steps.forEach(add);
    if (ending !== null) add(ending);
    return events;
  });

describe('shouldApplySubscriptionEvent', () => {
  const row = (lastEventCreated: number, rowStatus: string, currentPeriodStart: number | null = 1000): Row => ({
    lastEventCreated,
    status: rowStatus,
    currentPeriodStart,
  });
  const incoming = (created: number, type: SubscriptionEventType, currentPeriodStart: number | null = 1000) => ({ created, type, currentPeriodStart });

  it('treats canceled and incomplete_expired as terminal', () => {
    expect([...TERMINAL_STATUSES].sort()).to.deep.equal(['canceled', 'incomplete_expired']);
  });

  it('applies any event when there is no row yet', () => {
    expect(shouldApplySubscriptionEvent(null, incoming(1, 'SubscriptionUpdated'))).to.equal(true);
    expect(shouldApplySubscriptionEvent(null, incoming(1, 'SubscriptionCreated', null))).to.equal(true);
  });

  it('applies a newer event, whatever its period start', () => {
    expect(shouldApplySubscriptionEvent(row(100, 'active'), incoming(101, 'SubscriptionUpdated'))).to.equal(true);
    expect(shouldApplySubscriptionEvent(row(100, 'active', 5000), incoming(101, 'SubscriptionUpdated', 1000))).to.equal(true);
    expect(shouldApplySubscriptionEvent(row(100, 'active'), incoming(101, 'SubscriptionCreated'))).to.equal(true);
  });

  it('never applies an older event, not even a deletion', () => {
    expect(shouldApplySubscriptionEvent(row(100, 'active'), incoming(99, 'SubscriptionUpdated', 9999))).to.equal(false);
    expect(shouldApplySubscriptionEvent(row(100, 'active'), incoming(99, 'SubscriptionDeleted'))).to.equal(false);
  });

  it('applies a deletion from the same second, whatever its period start', () => {
    expect(shouldApplySubscriptionEvent(row(100, 'active'), incoming(100, 'SubscriptionDeleted'))).to.equal(true);
    expect(shouldApplySubscriptionEvent(row(100, 'active', 5000), incoming(100, 'SubscriptionDeleted', null))).to.equal(true);
    expect(shouldApplySubscriptionEvent(row(100, 'canceled'), incoming(100, 'SubscriptionDeleted'))).to.equal(true);
  });

  it('applies a same-second update over a live subscription in the same period', () => {
    expect(shouldApplySubscriptionEvent(row(100, 'trialing'), incoming(100, 'SubscriptionUpdated'))).to.equal(true);
    expect(shouldApplySubscriptionEvent(row(100, 'trialing'), incoming(100, 'SubscriptionTrialWillEnd'))).to.equal(true);
  });

  it('does not let customer.subscription.created revert an update from the same second', () => {
    // Stripe sends .created (incomplete) and .updated (active) in one second; .updated arrives first.
    const updated = row(100, 'active', 1000);
    expect(shouldApplySubscriptionEvent(updated, incoming(100, 'SubscriptionCreated', 1000))).to.equal(false);
    expect(shouldApplySubscriptionEvent(updated, incoming(100, 'SubscriptionCreated', 2000))).to.equal(false);
    expect(shouldApplySubscriptionEvent(row(100, 'incomplete', null), incoming(100, 'SubscriptionCreated', null))).to.equal(false);
  });

  it('on a same-second tie, applies the snapshot whose period starts no earlier', () => {
    expect(shouldApplySubscriptionEvent(row(100, 'active', 1000), incoming(100, 'SubscriptionUpdated', 2000))).to.equal(true);
    expect(shouldApplySubscriptionEvent(row(100, 'active', 2000), incoming(100, 'SubscriptionUpdated', 1000))).to.equal(false);
    expect(shouldApplySubscriptionEvent(row(100, 'active', 2000), incoming(100, 'SubscriptionTrialWillEnd', 1000))).to.equal(false);
  });

  it('on a same-second tie, takes a missing period start as older than any', () => {
    expect(shouldApplySubscriptionEvent(row(100, 'active', null), incoming(100, 'SubscriptionUpdated', 1))).to.equal(true);
    expect(shouldApplySubscriptionEvent(row(100, 'active', 1), incoming(100, 'SubscriptionUpdated', null))).to.equal(false);
    expect(shouldApplySubscriptionEvent(row(100, 'active', null), incoming(100, 'SubscriptionUpdated', null))).to.equal(true);
  });

  for (const terminal of ['canceled', 'incomplete_expired']) {
    for (const type of ['SubscriptionCreated', 'SubscriptionUpdated', 'SubscriptionTrialWillEnd'] as const) {
      it(`does not let a same-second ${type} revive a ${terminal} subscription, even from a later period`, () => {
        expect(shouldApplySubscriptionEvent(row(100, terminal, 1000), incoming(100, type, 1000))).to.equal(false);
        expect(shouldApplySubscriptionEvent(row(100, terminal, 1000), incoming(100, type, 2000))).to.equal(false);
      });
    }
  }

  it('ends in the state of the newest event when events are in distinct seconds, whatever order they arrive in', () => {
    const events = fc.uniqueArray(fc.record({ created: second, type: eventType, status, currentPeriodStart: periodStart }), {
      minLength: 1,
      maxLength: 12,
      selector: (event) => event.created,
    });
    fc.assert(
      fc.property(
        events.chain((list) => fc.tuple(fc.constant(list), shuffled(list))),
        ([list, arrival]) => {
          const newest = list.reduce((a, b) => (b.created > a.created ? b : a));
          expect(fold(arrival)).to.deep.equal(rowOf(newest));
        },
      ),
    );
  });

  it("ends in the state of a subscription's last event, events sharing seconds, whatever order they arrive in", () => {
    let ties = 0;
    fc.assert(
      fc.property(
        lifecycle.chain((list) => fc.tuple(fc.constant(list), shuffled(list))),
        ([list, arrival]) => {
          if (list.some((event, i) => i > 0 && event.created === list[i - 1]!.created)) ties += 1;
          expect(fold(arrival)).to.deep.equal(rowOf(list[list.length - 1]!));
        },
      ),
      { numRuns: 500 },
    );
    expect(ties, 'runs with same-second events').to.be.greaterThan(100);
  });

  it('never lets a creation win a same-second tie against a later event of its life, in either order', () => {
    fc.assert(
      fc.property(
        second,
        periodStart,
        fc.nat({ max: 3_000_000 }),
        fc.constantFrom<SubscriptionEventType>('SubscriptionUpdated', 'SubscriptionTrialWillEnd', 'SubscriptionDeleted'),
        status,
        fc.boolean(),
        (created, createdPeriodStart, advance, laterType, laterStatus, creationFirst) => {
          const creation: Incoming = { created, type: 'SubscriptionCreated', status: 'incomplete', currentPeriodStart: createdPeriodStart };
          const later: Incoming = {
            created,
            type: laterType,
            status: laterType === 'SubscriptionDeleted' ? 'canceled' : laterStatus,
            currentPeriodStart: createdPeriodStart === null ? (advance === 0 ? null : created + advance) : createdPeriodStart + advance,
          };
          expect(fold(creationFirst ? [creation, later] : [later, creation])).to.deep.equal(rowOf(later));
        },
      ),
    );
  });

  it('ends canceled when a deletion shares the newest second with an update, in either order', () => {
    fc.assert(
      fc.property(second, liveStatus, periodStart, periodStart, fc.boolean(), (created, live, updatedPeriod, deletedPeriod, deletionFirst) => {
        const deleted: Incoming = { created, type: 'SubscriptionDeleted', status: 'canceled', currentPeriodStart: deletedPeriod };
        const updated: Incoming = { created, type: 'SubscriptionUpdated', status: live, currentPeriodStart: updatedPeriod };
        const older: Incoming = { created: created - 10, type: 'SubscriptionCreated', status: 'incomplete', currentPeriodStart: null };
        const arrival = deletionFirst ? [older, deleted, updated] : [updated, deleted, older];
        expect(fold(arrival)).to.deep.equal(rowOf(deleted));
      }),
    );
  });
});
