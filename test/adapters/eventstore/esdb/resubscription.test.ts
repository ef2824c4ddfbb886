import { expect } from 'chai';
import type { Resubscribed, SubscriptionDropped } from '../../../../adapters/eventstore/esdb/esdb.ts';
import type { EventStore, NewEvent, RecordedEvent } from '../../../../domain/ports/event-store.ts';
import { startEsdbDouble, type EsdbDouble } from '../../../../scripts/esdb-double/server.ts';
import { collect, newEvent, sleep, uniqueName, waitUntil, type Collector } from '../../../contract/event-store-helpers.ts';
import { openEsdbTestDatabase, type EsdbTestDatabase } from './esdb-test-store.ts';

const idsOf = (events: readonly { id: string }[]) => events.map((event) => event.id);

/**
 * The client library's subscription ends for good when its connection drops; the adapter's
 * subscribes again from the last event its handler finished. Shown with the wire double's
 * faults: every event appended before, while and after the subscription is down is handed over
 * exactly once, in log order, and each drop and resubscription is reported.
 */
describe('esdb event store: a subscription outlives dropped connections and server restarts', function () {
  this.timeout(60_000);
  let double: EsdbDouble;
  let db: EsdbTestDatabase;
  let store: EventStore;
  const drops: SubscriptionDropped[] = [];
  const resubscriptions: Resubscribed[] = [];

  beforeEach(async () => {
    double = await startEsdbDouble();
    db = await openEsdbTestDatabase();
    drops.length = 0;
    resubscriptions.length = 0;
    store = db.store(double.connectionString, {
      onSubscriptionDropped: (info) => drops.push(info),
      onResubscribed: (info) => resubscriptions.push(info),
    });
  });

  afterEach(async () => {
    await db?.close();
    await double?.stop();
  });

  /** Appends each event on its own, to two streams of the run in turn. */
  async function appendEach(run: string, events: readonly NewEvent[]): Promise<void> {
    for (const [i, event] of events.entries()) await store.append(`${run}-${i % 2}`, [event]);
  }

  /** Every event of the run, in log order, once each, and nothing else. */
  async function expectHandledOnceInOrder(collector: Collector, run: string, count: number): Promise<void> {
    await collector.waitForCount(count, 20_000);
    // Anything handed over twice would arrive right behind the rest.
    await sleep(200);
    const log = await store.readAll({ streamPrefixes: [run] });
    expect(log).to.have.length(count);
    expect(idsOf(collector.events())).to.deep.equal(idsOf(log));
  }

  const lastOf = (collector: Collector): RecordedEvent => collector.events().at(-1)!;

  it('after the server drops it, with appends before, during and after', async () => {
    const run = uniqueName('resub-');
    // Slow handling, so that events are still on their way to the handler when the drop comes.
    const collector = collect(store, { streamPrefixes: [run], batchSize: 2 }, () => sleep(5));
    try {
      await appendEach(run, Array.from({ length: 6 }, () => newEvent('before')));
      await collector.waitForCount(6);
      const handledBeforeDrop = lastOf(collector);

      double.dropSubscriptions();
      await appendEach(run, Array.from({ length: 6 }, () => newEvent('during')));
      await waitUntil(() => resubscriptions.length > 0, 10_000, 'the subscription to resubscribe');
      await appendEach(run, Array.from({ length: 6 }, () => newEvent('after')));

      await expectHandledOnceInOrder(collector, run, 18);
      expect(drops).to.have.length(1);
      expect(drops[0]!.attempt).to.equal(1);
      expect(drops[0]!.resumeAfter).to.deep.equal(handledBeforeDrop.position);
      expect((drops[0]!.error as Error).message).to.match(/dropped by the server|UNAVAILABLE/i);
      expect(resubscriptions).to.deep.equal([{ after: handledBeforeDrop.position, attempts: 1 }]);
    } finally {
      await collector.subscription.stop();
    }
    await collector.subscription.done;
  });

  it('across drops that come while a batch is being handled', async () => {
    const run = uniqueName('resub-');
    let dropsCaused = 0;
    const collector = collect(store, { streamPrefixes: [run], batchSize: 3 }, async () => {
      // Drop the connection under the handler's feet, twice: the batch being handled still counts.
      if (dropsCaused < 2) {
        dropsCaused += 1;
        double.dropSubscriptions();
      }
      await sleep(5);
    });
    try {
      await appendEach(run, Array.from({ length: 10 }, () => newEvent('around')));
      await expectHandledOnceInOrder(collector, run, 10);
      expect(drops.length).to.be.at.least(1);
      for (const drop of drops) expect(drop.attempt).to.equal(1);
    } finally {
      await collector.subscription.stop();
    }
  });

  it('after the server restarts, with appends before, during and after, retrying until it is back', async () => {
    const run = uniqueName('resub-');
    const collector = collect(store, { streamPrefixes: [run], batchSize: 4 });
    try {
      await appendEach(run, Array.from({ length: 5 }, () => newEvent('before')));
      await collector.waitForCount(5);
      const handledBeforeStop = lastOf(collector);

      const { port, state } = double;
      await double.stop();
      // Down long enough for several attempts to subscribe to fail.
      await waitUntil(() => drops.length >= 3, 10_000, 'attempts to resubscribe while the server is down');
      double = await startEsdbDouble({ port, state });
      // The subscription is still waiting out its backoff: these arrive as catch-up.
      await appendEach(run, Array.from({ length: 5 }, () => newEvent('during')));
      await waitUntil(() => resubscriptions.length > 0, 15_000, 'the subscription to resubscribe');
      await appendEach(run, Array.from({ length: 5 }, () => newEvent('after')));

      await expectHandledOnceInOrder(collector, run, 15);
      expect(drops.map((drop) => drop.attempt)).to.deep.equal(drops.map((_, i) => i + 1));
      for (const drop of drops) expect(drop.resumeAfter).to.deep.equal(handledBeforeStop.position);
      expect(resubscriptions).to.deep.equal([{ after: handledBeforeStop.position, attempts: drops.length }]);
    } finally {
      await collector.subscription.stop();
    }
    await collector.subscription.done;
  });

  it('stop() ends it while it waits to resubscribe', async () => {
    const run = uniqueName('resub-');
    const collector = collect(store, { streamPrefixes: [run] });
    await store.append(`${run}-a`, [newEvent()]);
    await collector.waitForCount(1);
    await double.stop();
    await waitUntil(() => drops.length >= 1, 10_000, 'the drop to be reported');
    await collector.subscription.stop();
    await collector.subscription.done;
    expect(collector.failure()).to.equal(undefined);
  });
});
