import { describeDatabaseError } from '../../adapters/db/database-errors.ts';

/**
 * Whether webhooks are being stored, judged by the last attempts: /readyz must not say ready
 * while every delivery gets 503 (a stuck lock, a database that times out), even though the
 * database answers `select 1`. One success in the window is enough: failures on one stream
 * while others are stored make the instance no worse than any other. Old failures are
 * forgotten after the window, so an instance taken out of rotation for them comes back.
 */
export interface IngestHealth {
  succeeded(): void;
  failed(error: unknown): void;
  /** Why ingest is failing, or null when it is not known to be. */
  problem(): string | null;
}

export function trackIngestHealth(options: { windowMs?: number; remember?: number; now?: () => number } = {}): IngestHealth {
  const windowMs = options.windowMs ?? 60_000;
  const remember = options.remember ?? 20;
  const now = options.now ?? Date.now;
  const attempts: { at: number; reason: string | null }[] = [];
  const record = (reason: string | null) => {
    attempts.push({ at: now(), reason });
    if (attempts.length > remember) attempts.shift();
  };
  return {
    succeeded: () => record(null),
    failed: (error) => record(describeDatabaseError(error).reason),
    problem() {
      const recent = attempts.filter((a) => now() - a.at <= windowMs);
      if (!recent.length || recent.some((a) => a.reason === null)) return null;
      const reasons = [...new Set(recent.map((a) => a.reason).reverse())];
      const count = recent.length === 1 ? 'the last webhook' : `the last ${recent.length} webhooks`;
      return `${count} (within ${Math.round(windowMs / 1000)} s) could not be stored: ${reasons.join(', ')}`;
    },
  };
}
