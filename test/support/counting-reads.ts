import type { EventStore, ReadAllOptions, RecordedEvent } from '../../domain/ports/event-store.ts';

/** The store, counting what is read through `readAll`: to check a log is read once, not per reader. */
export function countingReads(store: EventStore) {
  const reads: { options: ReadAllOptions | undefined; events: readonly RecordedEvent[] }[] = [];
  const counting = new Proxy(store, {
    get(target, property, receiver) {
      if (property !== 'readAll') return Reflect.get(target, property, receiver);
      return async (options?: ReadAllOptions) => {
        const events = await target.readAll(options);
        reads.push({ options, events });
        return events;
      };
    },
  });
  return { store: counting, reads };
}
