import type { GlobalPosition, RecordedEvent, Subscription } from '../../../domain/ports/event-store.ts';
import { isTransientEsdbError, type EsdbClient, type EsdbSubscription } from './client.ts';

export interface SubscriptionDropped {
  readonly error: unknown;
  /** 1 for the first drop, counting up while resubscribing keeps failing. */
  readonly attempt: number;
  /** The last position handed to `onBatch`: the next subscription starts strictly after it. */
  readonly resumeAfter: GlobalPosition;
}

export interface Resubscribed {
  readonly after: GlobalPosition;
  /** How many drops and failed attempts came before this subscription held. */
  readonly attempts: number;
}

export interface ResubscribingOptions {
  readonly client: EsdbClient;
  readonly after: GlobalPosition;
  readonly streamPrefixes?: readonly string[] | undefined;
  readonly batchSize: number;
  readonly onBatch: (events: readonly RecordedEvent[]) => Promise<void>;
  readonly onDropped?: ((info: SubscriptionDropped) => void) | undefined;
  readonly onResubscribed?: ((info: Resubscribed) => void) | undefined;
}

const FIRST_RETRY_MS = 100;
const MAX_RETRY_MS = 5_000;

/** Marks an error of the caller's handler, which ends the subscription instead of being retried. */
class HandlerFailed {
  readonly error: unknown;
  constructor(error: unknown) {
    this.error = error;}
}

/** The callbacks only report (to a log, a metric): one that throws must not stop the subscription. */
function report(callback: () => void): void {
  try {
    callback();
  } catch {
    // Nothing to do: reporting failed, following the log did not.
  }
}

/** The server ended the subscription without an error: a drop like any other. */
class EndedByServer extends Error {
  override readonly name = 'EndedByServer';
}

/**
 * A catch-up subscription to `$all` that outlives its connection. The client library's
 * subscription ends for good when the connection drops or the server restarts; this one
 * subscribes again, with capped exponential backoff and jitter, strictly after the last event
 * its handler finished, so nothing is skipped (the server catches up from there) and nothing
 * handled is handed over twice. Events received but not yet handed over when the connection
 * dropped are simply received again.
 */
export function startResubscribingSubscription(options: ResubscribingOptions): Subscription {
  let stopping = false;
  let current: EsdbSubscription | undefined;
  let wake: (() => void) | undefined;

  const pause = (ms: number) =>
    new Promise<void>((resolve) => {
      const timer = setTimeout(resolve, ms);
      wake = () => {
        clearTimeout(timer);
        resolve();
      };
    }).finally(() => { wake = undefined; });

  async function run(): Promise<void> {
    let position = options.after;
    let failures = 0;
    while (!stopping) {
      const session = options.client.subscribe({ after: position, prefixes: options.streamPrefixes, bufferSize: options.batchSize });
      current = session;
      const attempts = failures;
      const from = position;
      session.confirmed.then(
        () => {
          if (current !== session || stopping) return;
          failures = 0;
          if (attempts > 0) report(() => options.onResubscribed?.({ after: from, attempts }));
        },
        () => {},
      );
      let dropped: unknown;
      try {
        for (;;) {
          const events = await session.next(options.batchSize);
          if (stopping) return;
          if (events === 'ended') throw new EndedByServer('EventStoreDB ended the subscription');
          try {
            await options.onBatch(events);
          } catch (error) {
            throw new HandlerFailed(error);
          }
          position = events.at(-1)!.position;
          if (stopping) return;
        }
      } catch (error) {
        if (error instanceof HandlerFailed) throw error.error;
        if (stopping) return;
        if (!(error instanceof EndedByServer) && !isTransientEsdbError(error)) throw error;
        dropped = error;
      } finally {
        if (current === session) current = undefined;
        await session.close().catch(() => {});
      }
      failures += 1;
      report(() => options.onDropped?.({ error: dropped, attempt: failures, resumeAfter: position }));
      const ceiling = Math.min(MAX_RETRY_MS, FIRST_RETRY_MS * 2 ** (failures - 1));
      await pause(ceiling / 2 + Math.random() * (ceiling / 2));
    }
  }

  const done = run();
  return {
    done,
    async stop() {
      stopping = true;
      wake?.();
      // Wakes a wait for events; a batch being handled is finished first.
      await current?.close().catch(() => {});
      await done.catch(() => {});
    },
  };
}
