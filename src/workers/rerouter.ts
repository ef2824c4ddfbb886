import { setTimeout as sleep } from 'node:timers/promises';
import type { EventStore, Json } from '../../domain/ports/event-store.ts';
import { tenantStream, UNROUTED_STREAM } from '../../domain/routing/streams.ts';
import type { RoutingRepository } from '../../projections/routing/queries.ts';
import type { Logger } from '../logger.ts';

/**
 * Copies parked events whose tenant has become known into that tenant's stream, with the same
 * event id: repeating this after a crash, or racing a redelivery of the same Stripe event,
 * stores nothing twice. The routing projection marks an event done when it sees the copy. An
 * event that cannot be moved is reported and passed over, so it never holds up the others.
 */
export async function rerouteParkedEvents(store: EventStore, routing: RoutingRepository, logger?: Logger): Promise<number> {
  let moved = 0;
  for (const parked of await routing.reroutable()) {
    try {
      const [original] = await store.readStream(UNROUTED_STREAM, { from: parked.streamRevision, limit: 1 });
      if (!original || original.id !== parked.eventId) {
        throw new Error(`parked event ${parked.eventId} is not at ${UNROUTED_STREAM}@${parked.streamRevision}`);
      }
      const data = { ...(original.data as { [key: string]: Json }), tenantId: parked.tenantId };
      const metadata = { ...original.metadata, reroutedFrom: UNROUTED_STREAM, reroutedFromRevision: String(parked.streamRevision) };
      const result = await store.append(tenantStream(parked.tenantId), [{ id: original.id, type: original.type, data, metadata }]);
      moved += result.appended.length;
    } catch (error) {
      if (!logger) throw error;
      logger.error({ err: error, eventId: parked.eventId, stripeEventId: parked.stripeEventId }, 'could not re-route a parked event; will retry');
    }
  }
  return moved;
}

/** Re-routes every `intervalMs`, one pass at a time, until stopped. */
export function runRerouter(store: EventStore, routing: RoutingRepository, logger: Logger, intervalMs = 500): { stop(): Promise<void> } {
  const stopping = new AbortController();
  const done = (async () => {
    while (!stopping.signal.aborted) {
      try {
        const moved = await rerouteParkedEvents(store, routing, logger);
        if (moved) logger.info({ moved }, 'parked events re-routed to their tenants');
      } catch (error) {
        logger.error({ err: error }, 're-routing parked events failed; will retry');
      }
      await sleep(intervalMs, undefined, { signal: stopping.signal }).catch(() => {});
    }
  })();
  return {
    async stop() {
      stopping.abort();
      await done;
    },
  };
}
