import { expect } from 'chai';
import fc from 'fast-check';
import { SUBSCRIPTION_STATUSES, type SubscriptionStatus } from '../../../domain/events/subscription-events.ts';
import {
  shouldApplySubscriptionEvent,
  TERMINAL_STATUSES,
  type SubscriptionEventType,
} from '../../../domain/subscriptions/apply-rule.ts';

interface Incoming {
  readonly created: number;
  readonly type: SubscriptionEventType;
  readonly status: SubscriptionStatus;
}

interface Row {
  readonly lastEventCreated: number;
  readonly status: string;
}

/** What a projection does with the rule: replace the row when it says so. */
function fold(events: readonly Incoming[]): Row | null {
  let row: Row | null = null;
  for (const event of events) {
    if (shouldApplySubscriptionEvent(row, event)) row = { lastEventCreated: event.created, status: event.status };
  }
  return row;
}

const eventType = fc.constantFrom<SubscriptionEventType>('SubscriptionCreated', 'SubscriptionUpdated', 'SubscriptionDeleted', 'SubscriptionTrialWillEnd');
const status = fc.constantFrom(...SUBSCRIPTION_STATUSES);

describe('shouldApplySubscriptionEvent', () => {
  const row = (lastEventCreated: number, rowStatus: string) => ({ lastEventCreated, status: rowStatus });

  it('treats canceled and incomplete_expired as terminal', () => {
    expect([...TERMINAL_STATUSES].sort()).to.deep.equal(['canceled', 'incomplete_expired']);
  });

  it('applies any event when there is no row yet', () => {
    expect(shouldApplySubscriptionEvent(null, { created: 1, type: 'SubscriptionUpdated' })).to.equal(true);
  });

  it('applies a newer event', () => {
    expect(shouldApplySubscriptionEvent(row(100, 'active'), { created: 101, type: 'SubscriptionUpdated' })).to.equal(true);
  });

  it('never applies an older event, not even a deletion', () => {
    expect(shouldApplySubscriptionEvent(row(100, 'active'), { created: 99, type: 'SubscriptionUpdated' })).to.equal(false);
    expect(shouldApplySubscriptionEvent(row(100, 'active'), { created: 99, type: 'SubscriptionDeleted' })).to.equal(false);
  });

  it('applies a deletion from the same second', () => {
    expect(shouldApplySubscriptionEvent(row(100, 'active'), { created: 100, type: 'SubscriptionDeleted' })).to.equal(true);
    expect(shouldApplySubscriptionEvent(row(100, 'canceled'), { created: 100, type: 'SubscriptionDeleted' })).to.equal(true);
  });

  it('applies a same-second update over a live subscription', () => {
    expect(shouldApplySubscriptionEvent(row(100, 'trialing'), { created: 100, type: 'SubscriptionUpdated' })).to.equal(true);
  });

  for (const terminal of ['canceled', 'incomplete_expired']) {
    for (const type of ['SubscriptionCreated', 'SubscriptionUpdated', 'SubscriptionTrialWillEnd'] as const) {
      it(`does not let a same-second ${type} revive a ${terminal} subscription`, () => {
        expect(shouldApplySubscriptionEvent(row(100, terminal), { created: 100, type })).to.equal(false);
      });
    }
  }

  it('ends in the state of the newest event, whatever order events arrive in', () => {
    const events = fc.uniqueArray(fc.record({ created: fc.integer({ min: 1_600_000_000, max: 1_900_000_000 }), type: eventType, status }), {
      minLength: 1,
      maxLength: 12,
      selector: (event) => event.created,
    });
    fc.assert(
      fc.property(
        events.chain((list) => fc.tuple(fc.constant(list), fc.shuffledSubarray(list, { minLength: list.length, maxLength: list.length }))),
        ([list, arrival]) => {
          const newest = list.reduce((a, b) => (b.created > a.created ? b : a));
          expect(fold(arrival)).to.deep.equal({ lastEventCreated: newest.created, status: newest.status });
        },
      ),
    );
  });

  it('ends canceled when a deletion shares the newest second with an update, in either order', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 1_600_000_000, max: 1_900_000_000 }),
        fc.constantFrom<SubscriptionStatus>('active', 'trialing', 'past_due'),
        fc.boolean(),
        (created, liveStatus, deletionFirst) => {
          const deleted: Incoming = { created, type: 'SubscriptionDeleted', status: 'canceled' };
          const updated: Incoming = { created, type: 'SubscriptionUpdated', status: liveStatus };
          const older: Incoming = { created: created - 10, type: 'SubscriptionCreated', status: 'incomplete' };
          const arrival = deletionFirst ? [older, deleted, updated] : [updated, deleted, older];
          expect(fold(arrival)).to.deep.equal({ lastEventCreated: created, status: 'canceled' });
        },
      ),
    );
  });
});
