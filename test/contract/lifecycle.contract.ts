import { expect } from 'chai';
import { START, comparePositions } from '../../domain/ports/event-store.ts';
import type { ContractContext } from './event-store.contract.ts';
import { appendAndRead, newEvent, rejection, uniqueName, untilVisible } from './event-store-helpers.ts';

export function lifecycleContract({ store, factory }: ContractContext): void {
  describe('headPosition, ping and close', () => {
    it('headPosition reaches each append and never goes back', async () => {
      const run = uniqueName('head-');
      const before = await store().headPosition();
      expect(typeof before.commit).to.equal('bigint');
      expect(typeof before.prepare).to.equal('bigint');
      const [first] = await appendAndRead(store(), `${run}-a`, [newEvent()]);
      await untilVisible(store(), first!.position);
      const afterFirst = await store().headPosition();
      expect(comparePositions(afterFirst, before)).to.equal(1);
      expect(await store().readAll({ after: afterFirst, streamPrefixes: [run] })).to.deep.equal([]);

      const [second] = await appendAndRead(store(), `${run}-b`, [newEvent()]);
      expect(comparePositions(second!.position, afterFirst)).to.equal(1);
      await untilVisible(store(), second!.position);
      expect(comparePositions(await store().headPosition(), afterFirst)).to.equal(1);
    });

    it('ping answers', async () => {
      await store().ping();
    });

    it('close stops subscriptions (done resolves) and later calls fail', async () => {
      const own = await factory();
      try {
        const subscription = own.store.subscribe({ after: START, streamPrefixes: [uniqueName('close-')], onBatch: async () => {} });
        await own.store.close();
        await subscription.done;
        await rejection(own.store.append(uniqueName('close-'), [newEvent()]));
      } finally {
        await own.cleanup();
      }
    });
  });
}
