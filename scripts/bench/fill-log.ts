import type { Ledger } from '../../src/ledger.ts';
import { ingestStripeEvent } from '../../src/webhooks/ingest.ts';
import { readStripeEvent } from '../../src/webhooks/read-stripe-event.ts';
import { catchUpLive } from '../../src/workers/live-projections.ts';
import { syntheticStripeEvent } from '../lib/synthetic-stripe-events.ts';
import { drive } from './drive.ts';

/**
 * Appends `count` synthetic deliveries (numbered from `offset`, spread over `tenantIds`) through
 * the ingest path at concurrency 64, then brings the live read models to the head, so a rebuild
 * timed afterwards is timed alone. Returns how many were appended.
 */
export async function fillLog(ledger: Ledger, tenantIds: readonly string[], offset: number, count: number): Promise<number> {
  const deps = { store: ledger.store, tenantExists: async () => true, tenantForStripeObject: async () => null };
  const filled = await drive(count, 64, (i) => {
    const read = readStripeEvent(syntheticStripeEvent(tenantIds[(offset + i) % tenantIds.length]!, offset + i).body);
    if (!read.ok) throw new Error(read.detail);
    return ingestStripeEvent(deps, read.envelope, new Date());
  });
  await catchUpLive(ledger);
  return filled.count;
}
