import { emptyRevenueState, foldRevenueEvent, settleDiscounts, type LoggedEvent, type RevenueFoldOptions, type RevenueState } from './revenue-fold.ts';
import { revenueReport, type RevenueReport } from './revenue-report.ts';

/**
 * Revenue metrics as a fold over the log: feed it every event of the tenant streams, in any
 * order and in as many pages as suit the reader, then ask for the report.
 */
export interface RevenueMetrics {
  add(events: Iterable<LoggedEvent>): void;
  report(): RevenueReport;
}

export function revenueMetrics(options: RevenueFoldOptions): RevenueMetrics {
  const state: RevenueState = emptyRevenueState(options.from, options.to);
  return {
    add(events) {
      for (const event of events) foldRevenueEvent(state, event, options);
    },
    report() {
      settleDiscounts(state);
      return revenueReport(state, options.recordedBefore);
    },
  };
}

export type { LoggedEvent, RevenueFoldOptions, RevenueReport };
