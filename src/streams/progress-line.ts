/*
 * The lines `ledger streams copy` writes on stderr while it works (stdout keeps the one JSON
 * summary, so it can be piped).
 */

export interface CopyProgress {
  /** Events of the source passed so far, over every run of this copy (copied, already there, or skipped system events). */
  readonly eventsRead: number;
  /** The source's events in all, when the source could count them: an estimate a live source outgrows. */
  readonly eventsTotal: number | null;
  /** This run: events appended to the target. */
  readonly copied: number;
  /** This run: events the target already held (an earlier run copied them). */
  readonly alreadyInTarget: number;
  /** This run: streams appended to or found complete. */
  readonly streams: number;
  /** This run's duration so far. */
  readonly seconds: number;
}

const count = (n: number) => n.toLocaleString('en-US');

export function describeCopyProgress(progress: CopyProgress): string {
  const total = progress.eventsTotal === null ? null : Math.max(progress.eventsTotal, progress.eventsRead);
  const done =
    total === null
      ? `${count(progress.eventsRead)} events`
      : `${count(progress.eventsRead)}/${count(total)} events (${total === 0 ? 100 : Math.floor((progress.eventsRead / total) * 100)}%)`;
  const handled = progress.copied + progress.alreadyInTarget;
  const rate = progress.seconds > 0 ? Math.round(handled / progress.seconds) : 0;
  return `streams copy: ${done}: ${count(progress.copied)} copied, ${count(progress.alreadyInTarget)} already in the target, ${count(progress.streams)} streams, ${count(rate)} events/s`;
}

export function describeVerifyProgress(side: 'source' | 'target', eventsRead: number): string {
  return `streams copy: verifying: ${count(eventsRead)} events of the ${side} read`;
}

/**
 * True at most once per `intervalMs` (always the first time, and whenever `force` is set), so a
 * fast copy does not flood a terminal and a slow one still shows it is alive.
 */
export function throttle(intervalMs: number, now: () => number = () => performance.now()): (force?: boolean) => boolean {
  let last: number | undefined;
  return (force = false) => {
    const t = now();
    if (!force && last !== undefined && t - last < intervalMs) return false;
    last = t;
    return true;
  };
}
