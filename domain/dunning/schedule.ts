import type { DunningStep, ScheduledStep } from '../events/dunning-events.ts';

const DAY = 86_400;

/**
 * The seed schedule after a failed payment, in days from the day the ledger learned of it: the
 * first notice at once (with the link to pay), a second on day 3, a final warning on day 5, and
 * access suspended on day 7 if the invoice is still unpaid. Counted from when the process saw the
 * failure rather than from Stripe's `created`, so a process manager that was down for days does
 * not shorten the tenant's grace period.
 */
export const SEED_SCHEDULE: readonly { readonly step: DunningStep; readonly action: ScheduledStep['action']; readonly day: number }[] = [
  { step: 'first-notice', action: 'email', day: 0 },
  { step: 'second-notice', action: 'email', day: 3 },
  { step: 'final-warning', action: 'email', day: 5 },
  { step: 'suspend', action: 'suspend', day: 7 },
];

/** The schedule's steps with their due times (Unix seconds) for a dunning that starts at `startedAt`. */
export function scheduleFrom(startedAt: number, schedule = SEED_SCHEDULE): ScheduledStep[] {
  return schedule.map(({ step, action, day }) => ({ step, action, dueAt: startedAt + day * DAY }));
}
