import type { FastifyInstance } from 'fastify';
import { describeDatabaseError } from '../../adapters/db/database-errors.ts';
import type { Metrics } from '../metrics.ts';
import type { MonitorSnapshot } from '../workers/projection-monitor.ts';
import { projectionReadiness } from './projection-readiness.ts';

/**
 * One named part of readiness: resolves null when it is fine, or why it is not. A check that
 * throws is down, with the error described in words safe to show (never a server message,
 * which could quote data).
 */
export type ReadinessCheck = () => Promise<string | null>;

const CHECK_TIMEOUT_MS = 2000;

class NoAnswerError extends Error {}

const within = <T>(promise: Promise<T>, ms: number) =>
  Promise.race([promise, new Promise<never>((_, reject) => setTimeout(() => reject(new NoAnswerError(`no answer within ${ms} ms`)), ms).unref())]);

async function run(check: ReadinessCheck): Promise<string> {
  try {
    const problem = await within(check(), CHECK_TIMEOUT_MS);
    return problem === null ? 'ok' : `down: ${problem}`;
  } catch (error) {
    return `down: ${error instanceof NoAnswerError ? error.message : describeDatabaseError(error).reason}`;
  }
}

/**
 * /healthz: the process is up. /readyz: every named check passes (200), else 503 with each
 * check's state, `ok` or `down: <why>`, so a load balancer stops sending traffic and an
 * operator sees which part failed. Projections behind, stalled or with events set aside make it
 * `degraded` (still 200: webhooks are taken), with each problem in words.
 */
export function registerHealthRoutes(
  app: FastifyInstance,
  deps: { metrics: Metrics; checks: Readonly<Record<string, ReadinessCheck>>; monitor?: { latest(): MonitorSnapshot | null } | undefined },
): void {
  app.get('/healthz', async () => ({ status: 'ok' }));
  app.get('/metrics', async (_request, reply) => reply.type(deps.metrics.registry.contentType).send(await deps.metrics.registry.metrics()));
  app.get('/readyz', async (_request, reply) => {
    const names = Object.keys(deps.checks);
    const states = await Promise.all(names.map((name) => run(deps.checks[name]!)));
    const checks = Object.fromEntries(names.map((name, i) => [name, states[i]!]));
    const ready = states.every((state) => state === 'ok');
    const { degraded, problems, projections } = projectionReadiness(deps.monitor?.latest() ?? null);
    const status = !ready ? 'unavailable' : degraded ? 'degraded' : 'ready';
    return reply.code(ready ? 200 : 503).send({ status, checks, problems, projections });
  });
}
