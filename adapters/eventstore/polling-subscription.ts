import { comparePositions, type GlobalPosition, type RecordedEvent, type Subscription } from '../../domain/ports/event-store.ts';

export interface PollBatch {
  readonly events: readonly RecordedEvent[];
  /**
   * How far the read looked: at least the last event's position, and more when a filtered
   * read found nothing further up to the visible head, so the next poll need not scan the
   * same non-matching events again.
   */
  readonly scannedTo: GlobalPosition;
}

export interface PollingSubscriptionOptions {
  readonly after: GlobalPosition;
  readonly batchSize: number;
  readonly onBatch: (events: readonly RecordedEvent[]) => Promise<void>;
  /** `woken`: a commit's notice brought this read on (so a look at the log begun since that notice will do). */
  readonly read: (after: GlobalPosition, limit: number, woken: boolean) => Promise<PollBatch>;
  /** Read errors that are worth waiting out (the store restarting, a dropped connection). */
  readonly isTransient: (error: unknown) => boolean;
  readonly pollIntervalMs: number;
  /**
   * Wake-ups on commits (LISTEN/NOTIFY). While they arrive, a caught-up subscription waits for
   * one and polls only every `idlePollIntervalMs`, except for a while after a notice.
   */
  readonly wakeUps?: { subscribe(wake: () => void): () => void; listening(): boolean } | undefined;
  readonly idlePollIntervalMs?: number | undefined;
  /** Told about each read error that is being retried, so it can be logged. */
  readonly onReadRetry?: ((error: unknown, attempt: number, delayMs: number) => void) | undefined;
}

const MAX_RETRY_DELAY_MS = 5_000;

/**
 * How long after a notice a caught-up subscription still polls at `pollIntervalMs`: a commit
 * can be hidden behind an older transaction that holds the visibility horizon, and when that one
 * is not an append (a projection's write, a long read) its end sends no notice.
 */
const POLL_AFTER_NOTICE_MS = 1_000;

/**
 * Reads woken by notices start at least this far apart: under load a commit lands every few
 * milliseconds, and one read for several commits costs the database and this process far less
 * than one each, for a few milliseconds of lag.
 */
const MIN_WOKEN_READ_GAP_MS = 10;

/**
 * Catches up in batches from `after`, then polls. Each batch is handed over only after the
 * previous one's promise settled. A handler error ends the subscription at once (`done`
 * rejects): retrying a handler is its owner's decision. A transient read error is retried with
 * capped exponential backoff and jitter; any other read error rejects `done`.
 */
export function startPollingSubscription(options: PollingSubscriptionOptions): Subscription {
  let stopping = false;
  let wake: (() => void) | undefined;

  /** Waits, but returns at once when `stop()` is called. */
  const pause = (ms: number) =>
    new Promise<void>((resolve) => {
      const timer = setTimeout(() => {
        wake = undefined;
        resolve();
      }, ms);
      wake = () => {
        clearTimeout(timer);
        wake = undefined;
        resolve();
      };
    });

  let noticed = false;
  let lastNoticeAt = -Infinity;
  let waitingForNotice = false;
  const unsubscribe = options.wakeUps?.subscribe(() => {
    noticed = true;
    lastNoticeAt = Date.now();
    if (waitingForNotice) wake?.();
  });
  const caughtUpDelay = () => {
    const idle = options.wakeUps?.listening() && Date.now() - lastNoticeAt > POLL_AFTER_NOTICE_MS;
    return idle ? (options.idlePollIntervalMs ?? options.pollIntervalMs) : options.pollIntervalMs;
  };

  async function run(): Promise<void> {
    let position = options.after;
    let failures = 0;
    let lastReadAt = -Infinity;
    let woken = false;
    while (!stopping) {
      let batch: PollBatch;
      const sinceLastRead = performance.now() - lastReadAt;
      if (woken && sinceLastRead < MIN_WOKEN_READ_GAP_MS) await pause(MIN_WOKEN_READ_GAP_MS - sinceLastRead);
      if (stopping) return;
      lastReadAt = performance.now();
      try {
        batch = await options.read(position, options.batchSize, woken);
        failures = 0;
      } catch (error) {
        if (stopping) return;
        if (!options.isTransient(error)) throw error;
        failures += 1;
        const ceiling = Math.min(MAX_RETRY_DELAY_MS, options.pollIntervalMs * 2 ** failures);
        const delay = Math.round(ceiling / 2 + Math.random() * (ceiling / 2));
        options.onReadRetry?.(error, failures, delay);
        await pause(delay);
        continue;
      }
      if (stopping) return;
      if (batch.events.length > 0) await options.onBatch(batch.events);
      if (comparePositions(batch.scannedTo, position) > 0) position = batch.scannedTo;
      // A full batch means more is probably waiting, and a notice during the read means a commit
      // the read may have missed: read on without pausing.
      woken = false;
      if (batch.events.length < options.batchSize) {
        if (!noticed) {
          waitingForNotice = true;
          await pause(caughtUpDelay());
          waitingForNotice = false;
        }
        woken = noticed;
      }
      noticed = false;
    }
  }

  const done = run().finally(() => unsubscribe?.());
  return {
    done,
    async stop() {
      stopping = true;
      wake?.();
      // A failure is reported through `done`; stopping itself succeeds.
      await done.catch(() => {});
    },
  };
}
