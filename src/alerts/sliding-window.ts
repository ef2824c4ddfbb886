/**
 * What happened within the last `windowMs`, by kind. Exact (one entry per occurrence) rather than
 * bucketed: an hour of payment attempts is small, and an alert at the threshold's edge should not
 * depend on where a bucket boundary fell.
 */
export class SlidingWindow<Kind extends string> {
  private readonly entries: { at: number; kind: Kind }[] = [];

  private readonly windowMs: number;
  private readonly now: () => number;
  constructor(
    windowMs: number,
    now: () => number,
  ) {
    this.windowMs = windowMs;
    this.now = now;
  }

  add(kind: Kind): void {
    this.entries.push({ at: this.now(), kind });
  }

  /** Occurrences of each kind within the window (kinds with none are absent). */
  counts(): Partial<Record<Kind, number>> {
    // Entries arrive in clock order, so the expired ones are a prefix.
    const horizon = this.now() - this.windowMs;
    let expired = 0;
    while (expired < this.entries.length && this.entries[expired]!.at <= horizon) expired++;
    if (expired) this.entries.splice(0, expired);
    const counts: Partial<Record<Kind, number>> = {};
    for (const { kind } of this.entries) counts[kind] = (counts[kind] ?? 0) + 1;
    return counts;
  }
}
