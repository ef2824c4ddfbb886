import { expect } from 'chai';
import { performance } from 'node:perf_hooks';
import { comparePositions, type RecordedEvent } from '../../domain/ports/event-store.ts';
import type { ContractContext } from './event-store.contract.ts';
import { appendAndRead, collect, newEvent, rejection, sleep, uniqueName, untilVisible, waitUntil } from './event-store-helpers.ts';

/** The port promises each new append is handed over within this long. */
const LIVE_LATENCY_MS = 100;

const idsOf = (events: readonly RecordedEvent[]) => events.map((e) => e.id);

export function subscribeContract({ store }: ContractContext): void {
  describe('subscribe', () => {
    it('catches up from a checkpoint, then hands over each new append within 100 ms', async () => {
      const run = uniqueName('sub-');
      const history = await appendAndRead(store(), `${run}-a`, [newEvent(), newEvent(), newEvent()]);
      await untilVisible(store(), history.at(-1)!.position);

      const collector = collect(store(), { after: history[0]!.position, streamPrefixes: [run] });
      try {
        await collector.waitForCount(2);
        expect(idsOf(collector.events())).to.deep.equal(idsOf(history.slice(1)));

        // Measured from the append call, and from the moment the global log shows the event:
        // a Postgres log shows it only once every older write transaction on the server has
        // ended, which a subscription cannot hurry. The promise holds from there.
        const fromAppend: number[] = [];
        const fromVisible: number[] = [];
        for (let i = 0; i < 5; i++) {
          const stream = `${run}-${i % 2 ? 'a' : 'b'}`;
          const event = newEvent('sub.live', { i });
          const started = performance.now();
          await store().append(stream, [event]);
          const [recorded] = await store().readStream(stream, { direction: 'backwards', limit: 1 });
          await untilVisible(store(), recorded!.position);
          const visibleAt = performance.now();
          await waitUntil(() => collector.receivedAt.has(event.id), 2_000, `live event ${i}`);
          const receivedAt = collector.receivedAt.get(event.id)!;
          fromAppend.push(receivedAt - started);
          fromVisible.push(Math.max(0, receivedAt - visibleAt));
          // Let the subscription settle into its idle poll, as in production between appends.
          await sleep(20 + i * 7);
        }
        const format = (values: number[]) => values.map((value) => value.toFixed(1)).join(', ');
        console.log(`      subscription latency, ms from append: ${format(fromAppend)}; from visible: ${format(fromVisible)}`);
        expect(Math.max(...fromVisible)).to.be.below(LIVE_LATENCY_MS);

        const delivered = collector.events();
        expect(delivered).to.have.length(7);
        expect(new Set(idsOf(delivered)).size).to.equal(7);
        for (let i = 1; i < delivered.length; i++) expect(comparePositions(delivered[i - 1]!.position, delivered[i]!.position)).to.equal(-1);
      } finally {
        await collector.subscription.stop();
      }
      await collector.subscription.done;
    });

    it('hands over only the streams that match its prefixes', async () => {
      const run = uniqueName('sub-');
      const collector = collect(store(), { after: await store().headPosition(), streamPrefixes: [`${run}tenant-`, `${run}unrouted`] });
      try {
        const wanted: string[] = [];
        for (const stream of ['tenant-1', 'provisioning-1', 'unrouted', 'tenantx', 'tenant-2']) {
          const event = newEvent('sub.filtered', { stream });
          await store().append(`${run}${stream}`, [event]);
          if (!['provisioning-1', 'tenantx'].includes(stream)) wanted.push(event.id);
        }
        await collector.waitForCount(3);
        await sleep(100);
        expect(idsOf(collector.events())).to.deep.equal(wanted);
      } finally {
        await collector.subscription.stop();
      }
    });

    it('hands over batches of at most batchSize, in order, one at a time', async () => {
      const run = uniqueName('sub-');
      const recorded = await appendAndRead(store(), `${run}-a`, Array.from({ length: 7 }, () => newEvent()));
      await untilVisible(store(), recorded.at(-1)!.position);
      let running = 0;
      let overlapped = false;
      const collector = collect(store(), { streamPrefixes: [run], batchSize: 3 }, async () => {
        running += 1;
        if (running > 1) overlapped = true;
        await sleep(10);
        running -= 1;
      });
      try {
        await collector.waitForCount(7);
        expect(collector.batches.every((batch) => batch.length >= 1 && batch.length <= 3)).to.equal(true);
        expect(collector.batches.length).to.be.at.least(3);
        expect(idsOf(collector.events())).to.deep.equal(idsOf(recorded));
        expect(overlapped).to.equal(false);
      } finally {
        await collector.subscription.stop();
      }
    });

    it('stop() waits for the batch being handled, then nothing more arrives and done resolves', async () => {
      const run = uniqueName('sub-');
      let release!: () => void;
      const gate = new Promise<void>((resolve) => { release = resolve; });
      let handling = false;
      const collector = collect(store(), { after: await store().headPosition(), streamPrefixes: [run] }, async () => {
        handling = true;
        await gate;
      });
      await store().append(`${run}-a`, [newEvent()]);
      await waitUntil(() => handling, 2_000, 'the handler to start');

      let stopped = false;
      const stopping = collector.subscription.stop().then(() => { stopped = true; });
      await sleep(60);
      expect(stopped, 'stop() resolved while the handler was still running').to.equal(false);
      release();
      await stopping;
      await collector.subscription.done;

      await store().append(`${run}-a`, [newEvent()]);
      await sleep(LIVE_LATENCY_MS * 2);
      expect(collector.events()).to.have.length(1);
    });

    it('a handler that throws stops the subscription and rejects done with its error', async () => {
      const run = uniqueName('sub-');
      const failure = new Error('projection exploded');
      let calls = 0;
      const subscription = store().subscribe({
        after: await store().headPosition(),
        streamPrefixes: [run],
        async onBatch() {
          calls += 1;
          throw failure;
        },
      });
      await store().append(`${run}-a`, [newEvent()]);
      expect(await rejection(subscription.done)).to.equal(failure);
      await store().append(`${run}-a`, [newEvent()]);
      await sleep(LIVE_LATENCY_MS * 2);
      expect(calls).to.equal(1);
      await subscription.stop();
    });

    it('from the head, hands over only what is appended afterwards', async () => {
      const run = uniqueName('sub-');
      const old = await appendAndRead(store(), `${run}-a`, [newEvent()]);
      await untilVisible(store(), old[0]!.position);
      const collector = collect(store(), { after: await store().headPosition(), streamPrefixes: [run] });
      try {
        const fresh = newEvent();
        await store().append(`${run}-a`, [fresh]);
        await collector.waitForCount(1);
        await sleep(50);
        expect(idsOf(collector.events())).to.deep.equal([fresh.id]);
      } finally {
        await collector.subscription.stop();
      }
    });
  });
}
