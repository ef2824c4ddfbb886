import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { FastifyInstance } from 'fastify';
import { signStripePayload } from '../../adapters/stripe/webhook-signature.ts';
import { loadConfig } from '../../src/config.ts';
import { buildHttpApp } from '../../src/http/app.ts';
import { openLedger, type Ledger } from '../../src/ledger.ts';
import { createMetrics } from '../../src/metrics.ts';
import { catchUpLive } from '../../src/workers/live-projections.ts';
import { rerouteParkedEvents } from '../../src/workers/rerouter.ts';
import { freshDatabase, type TestDatabase } from './database.ts';
import { startTestEventStoreDb } from './esdb.ts';
import { capturingLogger } from './log-capture.ts';

/** Where test ledgers keep their log: `postgres` (beside the read models, the default) or `esdb`. */
export const testEventLog: 'postgres' | 'esdb' = process.env.TEST_EVENT_LOG === 'esdb' ? 'esdb' : 'postgres';

export const TEST_WEBHOOK_SECRET = 'whsec_test_secret_for_the_ledger_suite';

export interface TestLedger {
  readonly ledger: Ledger;
  readonly app: FastifyInstance;
  readonly database: TestDatabase;
  /** Every log line the app wrote, parsed. */
  readonly logs: Record<string, unknown>[];
  /** Signs `body` as Stripe would and POSTs it to the webhook endpoint. */
  deliver(body: unknown, options?: { secret?: string; timestamp?: number; path?: string }): Promise<{ status: number; json: Record<string, unknown> }>;
  /** Applies everything in the log to every projection (and re-routes parked events). */
  project(): Promise<void>;
  /** Events stored, committed or not yet visible to global readers. */
  eventCount(): Promise<number>;
  get(path: string, apiKey?: string): Promise<{ status: number; json: Record<string, unknown> }>;
  /** POSTs `body` as JSON. */
  post(path: string, body: unknown, apiKey?: string): Promise<{ status: number; json: Record<string, unknown> }>;
  del(path: string, apiKey?: string): Promise<{ status: number; json: Record<string, unknown> }>;
  close(): Promise<void>;
}

/** The ledger wired as `serve` wires it, on a fresh database, driven in-process. */
export async function startTestLedger(
  env: NodeJS.ProcessEnv = {},
  options: {
    /** Runs on the fresh database before the ledger opens it (e.g. loads an older release's data). */
    prepare?: (database: TestDatabase) => Promise<unknown>;
    /** Where the log is; default TEST_EVENT_LOG's choice. */
    eventLog?: 'postgres' | 'esdb';
  } = {},
): Promise<TestLedger> {
  const dataDir = mkdtempSync(join(tmpdir(), 'ledger-test-'));
  const config = loadConfig({
    NODE_ENV: 'test',
    DATA_DIR: dataDir,
    STRIPE_WEBHOOK_SIGNING_SECRET: TEST_WEBHOOK_SECRET,
    LOG_LEVEL: 'info',
    ...env,
  });
  const database = await freshDatabase({ timeouts: config.databaseTimeouts });
  await options.prepare?.(database);
  const { logger, lines: logs } = capturingLogger(config.logLevel);
  // TEST_EVENT_LOG=esdb: the same tests with the log in EventStoreDB (the wire double here).
  const eventStoreDb = (options.eventLog ?? testEventLog) === 'esdb' && !config.eventStoreConnectionString ? await startTestEventStoreDb() : null;
  const ledgerConfig = eventStoreDb ? { ...config, eventStoreConnectionString: eventStoreDb.connectionString } : config;
  const ledger = await openLedger(ledgerConfig, { command: 'test', database });
  const app = buildHttpApp(ledger, { logger, metrics: createMetrics(), webhookSecrets: config.webhookSecrets });
  await app.ready();

  const asJson = (body: string) => {
    try {
      return JSON.parse(body) as Record<string, unknown>;
    } catch {
      return { raw: body };
    }
  };

  const call = async (method: 'GET' | 'POST' | 'DELETE', path: string, apiKey: string | undefined, body?: unknown) => {
    const headers: Record<string, string> = apiKey ? { authorization: `Bearer ${apiKey}` } : {};
    const response = await app.inject({ method, url: path, headers, ...(body === undefined ? {} : { payload: JSON.stringify(body), headers: { ...headers, 'content-type': 'application/json' } }) });
    return { status: response.statusCode, json: asJson(response.body) };
  };

  return {
    ledger,
    app,
    database,
    logs,
    async deliver(body, options = {}) {
      const payload = typeof body === 'string' ? body : JSON.stringify(body);
      const signature = signStripePayload(payload, options.secret ?? TEST_WEBHOOK_SECRET, options.timestamp);
      const response = await app.inject({
        method: 'POST',
        url: options.path ?? '/webhooks/stripe',
        headers: { 'content-type': 'application/json', 'stripe-signature': signature },
        payload,
      });
      return { status: response.statusCode, json: asJson(response.body) };
    },
    async project() {
      for (let round = 0; round < 3; round++) {
        if (ledger.eventLog.kind === 'postgres') await untilAllCommittedEventsVisible(database);
        try {
          await catchUpLive(ledger);
          if (!(await rerouteParkedEvents(ledger.store, ledger.routing))) break;
        } catch (error) {
          // As the runners do: a deadlock Postgres broke (a rebuild swapping tables in) is tried again.
          if ((error as { code?: unknown }).code !== '40P01') throw error;
        }
      }
    },
    async eventCount() {
      if (ledger.eventLog.kind === 'esdb') return (await ledger.store.readAll()).length;
      return Number((await database.pool.query('select count(*) as n from events')).rows[0].n);
    },
    get: (path, apiKey) => call('GET', path, apiKey),
    post: (path, body, apiKey) => call('POST', path, apiKey, body),
    del: (path, apiKey) => call('DELETE', path, apiKey),
    async close() {
      try {
        await app.close();
        await ledger.close();
        await database.close();
        await eventStoreDb?.stop();
      } finally {
        rmSync(dataDir, { recursive: true, force: true });
      }
    },
  };
}

/**
 * The global reader sees an event only once no older transaction is open anywhere on the server
 * (the xmin horizon is cluster-wide), so on a shared server a projection may briefly lag behind
 * what was just appended. Tests wait for that horizon instead of racing it.
 */
async function untilAllCommittedEventsVisible(database: TestDatabase): Promise<void> {
  const deadline = Date.now() + 10_000;
  for (;;) {
    const { rows } = await database.pool.query(
      'select exists (select 1 from events where transaction_id >= pg_snapshot_xmin(pg_current_snapshot())) as pending',
    );
    if (!rows[0].pending) return;
    if (Date.now() > deadline) throw new Error('committed events stayed invisible for 10 s: a transaction is held open on the server');
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
}
