import type { FastifyInstance } from 'fastify';
import { sql } from 'kysely';
import type { AnyDb } from '../../adapters/db/database.ts';
import type { EventStore } from '../../domain/ports/event-store.ts';
import type { Metrics } from '../metrics.ts';
import type { MonitorSnapshot } from '../workers/projection-monitor.ts';
import { projectionReadiness } from './projection-readiness.ts';

const within = <T>(promise: Promise<T>, ms: number) =>
  Promise.race([promise, new Promise<never>((_, reject) => setTimeout(() => reject(new Error(`no answer within ${ms} ms`)), ms).unref())]);

export function registerHealthRoutes(app: FastifyInstance, deps: { store: EventStore; db: AnyDb; metrics: Metrics; monitor?: { latest(): MonitorSnapshot | null } | undefined }): void {
  app.get('/healthz', async () => ({ status: 'ok' }));
  app.get('/metrics', async (_request, reply) => reply.type(deps.metrics.registry.contentType).send(await deps.metrics.registry.metrics()));
  app.get('/readyz', async (_request, reply) => {
    const check = async (run: () => Promise<unknown>) => {
      try {
        await within(run(), 2000);
        return 'ok';
      } catch (error) {
        return `down: ${(error as Error).message}`;
      }
    };
    const checks = {
      event_store: await check(() => deps.store.ping()),
      database: await check(() => sql`select 1`.execute(deps.db)),
    };
    const ready = Object.values(checks).every((c) => c === 'ok');
    const { degraded, problems, projections } = projectionReadiness(deps.monitor?.latest() ?? null);
    const status = !ready ? 'unavailable' : degraded ? 'degraded' : 'ready';
    return reply.code(ready ? 200 : 503).send({ status, checks, problems, projections });
  });
}
