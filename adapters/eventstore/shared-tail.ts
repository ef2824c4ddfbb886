import { comparePositions, START, type GlobalPosition, type RecordedEvent } from '../../domain/ports/event-store.ts';
import type { PollBatch } from './polling-subscription.ts';

export interface SharedTailOptions {
  /** Every visible event after `after`, at most `limit`, in log order (no stream filter). */
  readonly readAll: (after: GlobalPosition, limit: number) => Promise<RecordedEvent[]>;
  /** A reader behind the shared window reads on its own, filtered as it asks. */
  readonly readFiltered: (after: GlobalPosition, limit: number, prefixes: readonly string[] | undefined) => Promise<PollBatch>;
  /** Events kept in memory: the window readers near the head share. */
  readonly capacity: number;
  /** Events fetched from the log at a time. */
  readonly fetchSize: number;
  /**
   * Notices of commits (LISTEN/NOTIFY), when the store has them: a fill begun after the latest
   * notice saw every commit a reader can have been woken for, so readers woken together share
   * it. Without them (or while the listening connection is down) a read is caught up only by a
   * fill begun after it began.
   */
  readonly notices?: { subscribe(wake: () => void): () => void; listening(): boolean } | undefined;
}

/** Holds every event visible in (`from`, `to`], oldest first. */
interface Window {
  from: GlobalPosition;
  to: GlobalPosition;
  readonly events: RecordedEvent[];
}

const matches = (event: RecordedEvent, prefixes: readonly string[] | undefined) => !prefixes || prefixes.some((p) => event.streamName.startsWith(p));

/**
 * One read of the log's tail for every subscription in the process. A ledger runs about ten
 * subscriptions (each read model, the process manager, the webhook health check...) that mostly
 * sit at the head, and every commit woke each to read the same new events from the database on
 * its own, parsing each event's JSON ten times. Here the newest events are read once, unfiltered,
 * and kept in a bounded window that each subscription reads and filters in memory.
 *
 * The window holds every event visible in (`from`, `to`]: a read of the log returns only events
 * below the visibility horizon, in order, and none can appear later behind one already returned,
 * so what the window holds between its bounds is final. A reader behind the window reads the
 * database itself, as before.
 */
export function createSharedTail(options: SharedTailOptions) {
  let window: Window = { from: START, to: START, events: [] };
  // Reads, notices and fills take tickets from one counter: a fill whose ticket is above a
  // read's (or above the latest notice's) began after it, so it saw every commit before it.
  let tickets = 0;
  let lastFill = { ticket: 0, reachedHead: false };
  let filling: { readonly ticket: number; readonly done: Promise<void> } | null = null;
  let lastNotice = 0;
  options.notices?.subscribe(() => {
    lastNotice = ++tickets;
  });

  /** Extends the window past `to` with what the log holds now. */
  const fill = (): Promise<void> => {
    const ticket = ++tickets;
    const current = window;
    const done = (async () => {
      try {
        const fresh = await options.readAll(current.to, options.fetchSize);
        if (window !== current) return;
        current.events.push(...fresh);
        if (fresh.length) current.to = fresh.at(-1)!.position;
        const excess = current.events.length - options.capacity;
        if (excess > 0) current.from = current.events.splice(0, excess).at(-1)!.position;
        lastFill = { ticket, reachedHead: fresh.length < options.fetchSize };
      } finally {
        filling = null;
      }
    })();
    filling = { ticket, done };
    return done;
  };

  /** Resolves once a fill that began after `ticket` has read up to the head. */
  const freshSince = async (ticket: number): Promise<void> => {
    while (!(lastFill.ticket > ticket && lastFill.reachedHead)) {
      if (filling) {
        // One that began before this read may not have seen what woke it: wait, then look again.
        if (filling.ticket > ticket) await filling.done;
        else await filling.done.catch(() => {});
        continue;
      }
      await fill();
      // A full fill leaves more to read; the caller scans what came before asking again.
      return;
    }
  };

  /** Index of the first event in the window after `after`. */
  const firstAfter = (events: readonly RecordedEvent[], after: GlobalPosition) => {
    let lo = 0;
    let hi = events.length;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if (comparePositions(events[mid]!.position, after) <= 0) lo = mid + 1;
      else hi = mid;
    }
    return lo;
  };

  return {
    /**
     * `woken`: a notice brought this read on, and a look at the log begun after the latest notice
     * will do. Otherwise (a poll, which may be looking for a commit an older transaction hid
     * when its notice came, or a reader reading on after a full batch) only one begun after
     * this read began.
     */
    async read(after: GlobalPosition, limit: number, prefixes: readonly string[] | undefined, woken = false): Promise<PollBatch> {
      const ticket = woken && options.notices?.listening() ? lastNotice : ++tickets;
      // Ahead of the window: the window starts again where this reader is.
      if (comparePositions(after, window.to) > 0) window = { from: after, to: after, events: [] };
      const found: RecordedEvent[] = [];
      let scannedTo = after;
      for (;;) {
        const current: Window = window;
        if (comparePositions(scannedTo, current.from) < 0) {
          // Behind the window (it moved on while this reader was away): read on alone.
          const rest = await options.readFiltered(scannedTo, limit - found.length, prefixes);
          return { events: [...found, ...rest.events], scannedTo: rest.scannedTo };
        }
        for (let i = firstAfter(current.events, scannedTo); i < current.events.length; i++) {
          const event = current.events[i]!;
          if (!matches(event, prefixes)) continue;
          found.push(event);
          if (found.length === limit) return { events: found, scannedTo: event.position };
        }
        scannedTo = current.to;
        // At the window's end: caught up once a fill begun since this read reached the head.
        if (window === current && lastFill.ticket > ticket && lastFill.reachedHead && comparePositions(scannedTo, current.to) === 0) return { events: found, scannedTo };
        await freshSince(ticket);
      }
    },
  };
}
