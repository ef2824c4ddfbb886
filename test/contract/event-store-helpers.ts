import { randomBytes, randomUUID } from 'node:crypto';
import { performance } from 'node:perf_hooks';
import {
  comparePositions,
  type EventStore,
  type GlobalPosition,
  type NewEvent,
  type RecordedEvent,
  type SubscribeOptions,
  type Subscription,
} from '../../domain/ports/event-store.ts';

/** A token that makes a test's stream names its own, so tests can share one store. */
export const uniqueName = (label: string) => `${label}${randomBytes(5).toString('hex')}`;

export const newEvent = (type = 'test.happened', data: NewEvent['data'] = {}, metadata?: NewEvent['metadata']): NewEvent =>
  metadata === undefined ? { id: randomUUID(), type, data } : { id: randomUUID(), type, data, metadata };

export const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

/** The error a promise rejects with; fails the test when it fulfils. */
export async function rejection(promise: Promise<unknown>): Promise<Error> {
  try {
    await promise;
  } catch (error) {
    if (error instanceof Error) return error;
    throw new Error(`rejected with a non-Error: ${String(error)}`, { cause: error });
  }
  throw new Error('expected a rejection, but the promise fulfilled');
}

export async function waitUntil(condition: () => boolean | Promise<boolean>, timeoutMs: number, what: string): Promise<void> {
  const deadline = performance.now() + timeoutMs;
  while (!(await condition())) {
    if (performance.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
    await sleep(2);
  }
}

/**
 * The global log may lag a committed append (Postgres shows a transaction to global readers
 * once every older transaction on the server has finished), so tests of `readAll` first wait
 * for the head to reach the events they wrote.
 */
export async function untilVisible(store: EventStore, position: GlobalPosition, timeoutMs = 15_000): Promise<void> {
  await waitUntil(async () => comparePositions(await store.headPosition(), position) >= 0, timeoutMs, 'the global log to show the append');
}

/** Appends and returns the recorded events, read back from their stream. */
export async function appendAndRead(store: EventStore, stream: string, events: readonly NewEvent[]): Promise<RecordedEvent[]> {
  const result = await store.append(stream, events);
  const ids = new Set(result.appended);
  return (await store.readStream(stream)).filter((event) => ids.has(event.id));
}

export interface Collector {
  readonly subscription: Subscription;
  readonly batches: RecordedEvent[][];
  /** performance.now() at which each event id was handed to the handler. */
  readonly receivedAt: Map<string, number>;
  events(): RecordedEvent[];
  /** Why the subscription ended, if it failed. */
  failure(): unknown;
  waitForCount(count: number, timeoutMs?: number): Promise<void>;
}

/** Subscribes with a handler that records every batch and when each event arrived. */
export function collect(store: EventStore, options: Omit<SubscribeOptions, 'onBatch'>, handler?: SubscribeOptions['onBatch']): Collector {
  const batches: RecordedEvent[][] = [];
  const receivedAt = new Map<string, number>();
  const subscription = store.subscribe({
    ...options,
    async onBatch(events) {
      const now = performance.now();
      batches.push([...events]);
      for (const event of events) receivedAt.set(event.id, now);
      await handler?.(events);
    },
  });
  const events = () => batches.flat();
  let failure: unknown;
  subscription.done.catch((error: unknown) => { failure = error ?? new Error('failed without a reason'); });
  const waitForCount = async (count: number, timeoutMs = 5_000) => {
    try {
      await waitUntil(() => failure !== undefined || events().length >= count, timeoutMs, `${count} events`);
    } catch (error) {
      throw new Error(`${(error as Error).message}; ${events().length} delivered`, { cause: error });
    }
    if (failure !== undefined) throw new Error('the subscription failed', { cause: failure });
  };
  return { subscription, batches, receivedAt, events, failure: () => failure, waitForCount };
}
