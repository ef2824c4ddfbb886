import type { Subscription } from '../../domain/ports/event-store.ts';

/** What every adapter of the port keeps the same way: refusing work once closed, and stopping its subscriptions on close. */
export interface StoreLifecycle {
  /** Throws once the store is closed. */
  ensureOpen(operation: string): void;
  /** Keeps `subscription` until it stops, so that closing the store stops it. */
  track(subscription: Subscription): Subscription;
  /** False when already closed; else marks the store closed and stops every open subscription. */
  close(): Promise<boolean>;
}

export function storeLifecycle(): StoreLifecycle {
  const subscriptions = new Set<Subscription>();
  let closed = false;
  return {
    ensureOpen(operation) {
      if (closed) throw new Error(`event store is closed (${operation})`);
    },
    track(subscription) {
      subscriptions.add(subscription);
      const forget = () => {
        subscriptions.delete(subscription);
      };
      subscription.done.then(forget, forget);
      return subscription;
    },
    async close() {
      if (closed) return false;
      closed = true;
      await Promise.all([...subscriptions].map((subscription) => subscription.stop()));
      return true;
    },
  };
}
