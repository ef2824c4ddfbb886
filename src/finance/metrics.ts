import { revenueMetrics, type RevenueMetrics, type RevenueReport } from '../../domain/finance/revenue-metrics.ts';
import type { KnownPrice } from '../../domain/finance/monthly-amount.ts';
import type { PlanCatalogue } from '../../domain/plans/catalogue.ts';
import { START, type EventStore, type GlobalPosition } from '../../domain/ports/event-store.ts';
import { TENANT_STREAM_PREFIX } from '../../domain/routing/streams.ts';

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
 * Folds the tenant streams' events after `cursor.after` into `metrics`, a page at a time, moving
 * the cursor past each page folded (so a read that fails midway leaves it after the last page
 * folded, and nothing is folded twice).
 */
async function foldAfter(store: EventStore, metrics: RevenueMetrics, cursor: { after: GlobalPosition }, pageSize: number): Promise<void> {
  for (;;) {
    const page = await store.readAll({ after: cursor.after, streamPrefixes: [TENANT_STREAM_PREFIX], limit: pageSize });
    if (!page.length) return;
    metrics.add(page);
    cursor.after = page.at(-1)!.position;
    if (page.length < pageSize) return;
  }
}

/**
 * Reads every tenant stream's events from the log, a page at a time, and folds them into the
 * report: memory holds one page and the fold's state (per subscription, not per event).
 */
export async function computeRevenueReport(store: EventStore, plans: PlanCatalogue, request: RevenueReportRequest, pageSize = PAGE_SIZE): Promise<RevenueReport> {
  const metrics = revenueMetrics({ ...request, knownPrice: cataloguePrices(plans) });
  await foldAfter(store, metrics, { after: START }, pageSize);
  return metrics.report();
}

/** How many reports (distinct months and recorded-before) are kept folded for the next request. */
const CACHED_REPORTS = 8;

/**
 * Reports for a server that is asked again and again (the dashboard, a BI tool polling): each
 * report's fold is kept with the position it has read to, and the next request for the same
 * months folds in only what the log gained since. The fold takes events in any order and in as
 * many pieces as come, and the log only grows behind a position once read, so the figures are
 * those a fresh read would give. Requests for one report take turns, so no event is folded twice.
 */
export function createRevenueReports(store: EventStore, plans: PlanCatalogue, o: { cached?: number; pageSize?: number } = {}) {
  const knownPrice = cataloguePrices(plans);
  const folds = new Map<string, { metrics: RevenueMetrics; after: GlobalPosition; turn: Promise<unknown> }>();
  return {
    async report(request: RevenueReportRequest): Promise<RevenueReport> {
      const key = `${request.from}/${request.to}/${request.recordedBefore?.toISOString() ?? ''}`;
      let fold = folds.get(key);
      if (fold) folds.delete(key);
      fold ??= { metrics: revenueMetrics({ ...request, knownPrice }), after: START, turn: Promise.resolve() };
      folds.set(key, fold);
      for (const oldest of folds.keys()) {
        if (folds.size <= (o.cached ?? CACHED_REPORTS)) break;
        folds.delete(oldest);
      }
      const entry = fold;
      const mine = entry.turn.then(async () => {
        await foldAfter(store, entry.metrics, entry, o.pageSize ?? PAGE_SIZE);
        return entry.metrics.report();
      });
      entry.turn = mine.catch(() => {});
      return mine;
    },
  };
}
