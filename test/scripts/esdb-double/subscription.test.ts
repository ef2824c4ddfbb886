import { expect } from 'chai';
import {
  CancelledError,
  excludeSystemEvents,
  START,
  streamNameFilter,
  UnavailableError,
  type AllStreamSubscription,
  type Position,
} from '@eventstore/db-client';
import {
  checkpoints,
  compare,
  connect,
  event,
  events,
  seenEvent,
  until,
  type Connected,
  type Seen,
} from './double-client.ts';

/** Subscribes to $all with a stream-prefix filter, recording events and checkpoints in arrival order. */
function follow(
  connected: Connected,
  options: { from: Position | typeof START; prefixes: string[]; maxSearchWindow?: number },
): { seen: Seen[]; caughtUp: () => boolean; errors: unknown[]; subscription: AllStreamSubscription } {
  const seen: Seen[] = [];
  const errors: unknown[] = [];
  let caughtUp = false;
  const subscription = connected.client.subscribeToAll({
    fromPosition: options.from,
    filter: streamNameFilter({
      prefixes: options.prefixes,
      ...(options.maxSearchWindow ? { maxSearchWindow: options.maxSearchWindow } : {}),
      checkpointReached: (_subscription, position) => {
        seen.push({ kind: 'checkpoint', position });
      },
    }),
  });
  subscription.on('data', (resolved) => seen.push(seenEvent(resolved)));
  subscription.on('caughtUp', () => (caughtUp = true));
  subscription.on('error', (error) => errors.push(error));
  return { seen, caughtUp: () => caughtUp, errors, subscription };
}

async function retryWhileUnavailable<T>(call: () => Promise<T>): Promise<T> {
  const deadline = Date.now() + 10_000;
  for (;;) {
    try {
      return await call();
    } catch (error) {
      if (!(error instanceof UnavailableError) || Date.now() > deadline) throw error;
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
  }
}

/** Every event after the first is later in $all; every checkpoint is at or after the event before it. */
function expectInLogOrder(seen: readonly Seen[]): void {
  let last: Position | undefined;
  for (const item of seen) {
    if (item.kind === 'event') {
      if (last) expect(compare(item.position, last)).to.equal(1);
      last = item.position;
    } else if (last) {
      expect(compare(item.position, last)).to.be.greaterThanOrEqual(0);
    }
  }
}

describe('EventStoreDB double: subscriptions', () => {
  const open: Connected[] = [];
  const started = async (...args: Parameters<typeof connect>) => {
    const connected = await connect(...args);
    open.push(connected);
    return connected;
  };

  afterEach(async () => {
    for (const connected of open.splice(0)) await connected.stop();
  });

  it('a filtered $all subscription from a position catches up, then follows live appends in $all order, with checkpoints', async () => {
    const connected = await started();
    const { client } = connected;
    for (let i = 0; i < 6; i++) {
      await client.appendToStream('tenant-1', event(`Old${i}`));
      await client.appendToStream('noise', [event('N'), event('N')]);
    }
    const resumeFrom: Position[] = [];
    for await (const { event: recorded } of client.readStream('tenant-1', { maxCount: 2 })) resumeFrom.push(recorded!.position!);

    // A search window of 4 gives a checkpoint every 4 events considered during the catch-up.
    const sub = follow(connected, { from: resumeFrom[1]!, prefixes: ['tenant-'], maxSearchWindow: 4 });
    await until(sub.caughtUp, 'the subscription to catch up');
    for (let i = 0; i < 40; i++) {
      await client.appendToStream(i % 2 ? 'noise' : 'tenant-2', event(`New${i}`));
    }
    await until(() => events(sub.seen).length === 4 + 20, 'the live events');

    expect(sub.errors).to.deep.equal([]);
    expect(events(sub.seen).map((e) => e.kind === 'event' && `${e.stream}:${e.revision}`)).to.deep.equal([
      ...[2, 3, 4, 5].map((revision) => `tenant-1:${revision}`),
      ...Array.from({ length: 20 }, (_, revision) => `tenant-2:${revision}`),
    ]);
    expectInLogOrder(sub.seen);
    // During the catch-up and live (every 4 events written), checkpoints come without events.
    expect(checkpoints(sub.seen).length).to.be.greaterThan(5);
    const lastEvent = events(sub.seen).at(-1)!.position;
    await until(() => compare(checkpoints(sub.seen).at(-1)!.position, lastEvent) >= 0, 'a checkpoint after the last event');
    await sub.subscription.unsubscribe();
  });

  it('a checkpoint is a position to resume from: nothing before it comes again and nothing after it is missed', async () => {
    const connected = await started();
    const { client } = connected;
    for (let i = 0; i < 30; i++) await client.appendToStream(i % 3 ? 'noise' : 'tenant-9', event(`E${i}`));
    const first = follow(connected, { from: START, prefixes: ['tenant-'], maxSearchWindow: 4 });
    await until(first.caughtUp, 'the first subscription to catch up');
    await first.subscription.unsubscribe();
    const all = events(first.seen);
    expect(all.length).to.equal(10);

    for (const { position } of checkpoints(first.seen)) {
      const resumed = follow(connected, { from: position, prefixes: ['tenant-'] });
      await until(resumed.caughtUp, 'a resumed subscription to catch up');
      await resumed.subscription.unsubscribe();
      const expected = all.filter((e) => compare(e.position, position) > 0);
      expect(events(resumed.seen)).to.deep.equal(expected);
    }
  });

  it("an unfiltered $all subscription meets the server's system events; the client's excludeSystemEvents filter drops them", async () => {
    const connected = await started();
    const { client } = connected;
    await client.appendToStream('tenant-s', event('Mine'));
    const collect = async (subscription: AllStreamSubscription) => {
      const types: string[] = [];
      let caughtUp = false;
      subscription.on('data', ({ event: recorded }) => types.push(recorded!.type));
      subscription.on('caughtUp', () => (caughtUp = true));
      await until(() => caughtUp, 'the subscription to catch up');
      await subscription.unsubscribe();
      return types;
    };

    const everything = await collect(client.subscribeToAll({ fromPosition: START }));
    const withoutSystem = await collect(client.subscribeToAll({ fromPosition: START, filter: excludeSystemEvents() }));

    expect(everything.filter((type) => type.startsWith('$')).length).to.be.greaterThan(0);
    expect(everything.at(-1)).to.equal('Mine');
    expect(withoutSystem).to.deep.equal(['Mine']);
  });

  it('a stream subscription catches up after a revision and then follows live appends', async () => {
    const connected = await started();
    const { client } = connected;
    await client.appendToStream('orders-7', ['a', 'b', 'c'].map((type) => event(type)));
    const received: string[] = [];
    let caughtUp = false;
    const subscription = client.subscribeToStream('orders-7', { fromRevision: 0n });
    subscription.on('data', ({ event: recorded }) => received.push(`${recorded!.revision}:${recorded!.type}`));
    subscription.on('caughtUp', () => (caughtUp = true));
    await until(() => caughtUp, 'the stream subscription to catch up');
    await client.appendToStream('elsewhere', event('x'));
    await client.appendToStream('orders-7', event('d'));
    await until(() => received.length === 3, 'the live event');

    expect(received).to.deep.equal(['1:b', '2:c', '3:d']);
    await subscription.unsubscribe();
  });

  it("dropping subscriptions ends them with an error the client surfaces (UnavailableError), and a new one works", async () => {
    const connected = await started();
    const { client, double } = connected;
    const sub = follow(connected, { from: START, prefixes: ['tenant-'] });
    await until(sub.caughtUp, 'the subscription to catch up');

    double.dropSubscriptions();
    await until(() => sub.errors.length > 0, 'the subscription to report the drop');
    expect(sub.errors[0]).to.be.instanceOf(UnavailableError);

    const again = follow(connected, { from: START, prefixes: ['tenant-'] });
    await client.appendToStream('tenant-3', event('After'));
    await until(() => events(again.seen).length === 1, 'the new subscription to receive an event');
    await again.subscription.unsubscribe();
  });

  it('a restart on the same port keeps the data, and a new subscription resumes where the old one stopped', async () => {
    const before = await started();
    await before.client.appendToStream('tenant-r', [event('A'), event('B')]);
    const sub = follow(before, { from: START, prefixes: ['tenant-'] });
    await until(() => events(sub.seen).length === 2, 'the events before the restart');
    const lastSeen = events(sub.seen).at(-1)!.position;
    const { port, state } = before.double;

    await before.double.stop();
    await until(() => sub.errors.length > 0, 'the subscription to fail when the server stops');
    const after = await started({ port, state });
    // The first client reconnects by itself; as with a real server, a call that meets the old
    // connection may fail with UNAVAILABLE first, which an adapter retries.
    // The client takes both for a lost connection and reconnects on the next call.
    expect(sub.errors.map((error) => error instanceof CancelledError || error instanceof UnavailableError)).to.deep.equal([true]);
    await retryWhileUnavailable(() => before.client.appendToStream('tenant-r', event('C'), { expectedRevision: 1n }));

    const resumed = follow(after, { from: lastSeen, prefixes: ['tenant-'] });
    await until(() => events(resumed.seen).length === 1, 'the event written after the restart');
    expect(events(resumed.seen).map((e) => e.kind === 'event' && e.type)).to.deep.equal(['C']);
    await resumed.subscription.unsubscribe();
  });

  it('a double started without the old state has lost the data', async () => {
    const before = await started();
    await before.client.appendToStream('tenant-l', event('A'));
    await before.double.stop();
    const fresh = await started({ port: before.double.port });

    const streams: string[] = [];
    for await (const { event: recorded } of fresh.client.readAll()) streams.push(recorded!.streamId);
    expect(streams.length).to.be.greaterThan(0);
    expect(streams.filter((stream) => !stream.startsWith('$'))).to.deep.equal([]);
  });
});
