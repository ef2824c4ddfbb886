import type { EventStore } from '../../domain/ports/event-store.ts';
import { appendContract } from './append.contract.ts';
import { duplicatesContract } from './duplicates.contract.ts';
import { readStreamContract } from './read-stream.contract.ts';
import { readAllContract } from './read-all.contract.ts';
import { subscribeContract } from './subscribe.contract.ts';
import { lifecycleContract } from './lifecycle.contract.ts';
import { streamOrderContract } from './stream-order.contract.ts';

export type EventStoreFactory = () => Promise<{ store: EventStore; cleanup: () => Promise<void> }>;

export interface ContractContext {
  /** The store the suite shares; every test writes streams of its own. */
  store(): EventStore;
  /** For tests that need a store of their own (closing it, for one). */
  readonly factory: EventStoreFactory;
}

/**
 * The behaviour every event store adapter must show, through the port alone. Tests share one
 * store and never assume it is empty: each writes streams with a unique name and reads the
 * global log by a prefix of its own.
 */
export function eventStoreContract(name: string, factory: EventStoreFactory): void {
  describe(`event store contract: ${name}`, function () {
    this.timeout(30_000);
    let store: EventStore | undefined;
    let cleanup: (() => Promise<void>) | undefined;

    before(async () => {
      ({ store, cleanup } = await factory());
    });
    after(async () => {
      await cleanup?.();
    });

    const context: ContractContext = {
      store() {
        if (!store) throw new Error('the store was not created');
        return store;
      },
      factory,
    };
    appendContract(context);
    duplicatesContract(context);
    readStreamContract(context);
    readAllContract(context);
    subscribeContract(context);
    streamOrderContract(context);
    lifecycleContract(context);
  });
}
