import { revenueMetrics, type RevenueReport } from '../../domain/finance/revenue-metrics.ts';
import type { KnownPrice } from '../../domain/finance/monthly-amount.ts';
import type { PlanCatalogue } from '../../domain/plans/catalogue.ts';
import { START, type EventStore } from '../../domain/ports/event-store.ts';

const PAGE_SIZE = 1000;

export interface RevenueReportRequest {
  /** First and last month, YYYY-MM (UTC). */
  readonly from: string;
  readonly to: string;
  /** Only what the ledger had recorded before this instant; null: everything recorded so far. */
  readonly recordedBefore: Date | null;
}

/** The catalogue's prices, for subscription events whose Stripe object does not carry its price. */
export function cataloguePrices(plans: PlanCatalogue): (priceId: string) => KnownPrice | null {
  const byPrice = new Map<string, KnownPrice>(
    plans.plans.map((p) => [p.stripePriceId, { amountMinor: p.amountMinor, currency: p.currency, interval: p.billingCycle === 'annual' ? 'year' : 'month', intervalCount: 1 }]),
  );
  return (priceId) => byPrice.get(priceId) ?? null;
}

/**
 * Reads every tenant stream's events from the log, a page at a time, and folds them into the
 * report: memory holds one page and the fold's state (per subscription, not per event).
 */
export async function computeRevenueReport(store: EventStore, plans: PlanCatalogue, request: RevenueReportRequest, pageSize = PAGE_SIZE): Promise<RevenueReport> {
  const metrics = revenueMetrics({ ...request, knownPrice: cataloguePrices(plans) });
  let after = START;
  for (;;) {
    const page = await store.readAll({ after, streamPrefixes: ['tenant-'], limit: pageSize });
    if (!page.length) break;
    metrics.add(page);
    after = page.at(-1)!.position;
    if (page.length < pageSize) break;
  }
  return metrics.report();
}
