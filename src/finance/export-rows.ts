import type { Pool } from 'pg';
import type { RowsOf } from '../../projections/cursor-page.ts';

/**
 * How an export reads its batches: through pg's callback API on `pool` (the pool under the
 * ledger's Kysely), not the promise Kysely awaits. Same SQL, parameters, pool and timeouts.
 *
 * Measured on Node 20 with pg 8.23 (README, "Finance export"): a result awaited as pg's promise
 * outlived two scavenges and was promoted to the old generation, every batch of it, so an
 * export's heap grew by about 1.4 KB a row until V8 got round to a full collection (100,000 rows
 * peaked over 100 MiB higher than 10,000). Read through the callback, the same rows die young
 * and the peak stays within a few MiB whatever the row count. Nothing was ever kept: the heap
 * after a full collection was flat either way.
 */
export function rowsByCallback(pool: Pool): RowsOf {
  return (query) => {
    const { sql, parameters } = query.compile();
    return new Promise((resolve, reject) => {
      pool.query(sql, [...parameters], (error: Error | undefined, result: { rows: unknown[] }) => (error ? reject(error) : resolve(result.rows)));
    });
  };
}
