import type { GlobalPosition } from '../domain/ports/event-store.ts';
import { allProjections } from '../projections/all.ts';
import { ensureWebhookSecrets, type Config } from './config.ts';
import { buildHttpApp } from './http/app.ts';
import { openLedger } from './ledger.ts';
import type { Logger } from './logger.ts';
import { createMetrics } from './metrics.ts';
import { startProjectionMonitor } from './workers/projection-monitor.ts';
import { startLiveWorkers } from './workers/live-workers.ts';
import { startProcessManager } from './workers/process-manager/start-process-manager.ts';

const positionText = (position: GlobalPosition) => `${position.commit}/${position.prepare}`;

export interface RunningServer {
  readonly url: string;
  close(): Promise<void>;
}

/** The ledger process: HTTP, projection runners and the re-router, stopped together. */
export async function serve(config: Config, logger: Logger): Promise<RunningServer> {
  const { secrets, generatedIn } = ensureWebhookSecrets(config);
  const metrics = createMetrics();
  const ledger = await openLedger(config, {
    command: 'ledger serve',
    // The reason only: a server's message can quote what was being written.
    onConnectionError: (failure) => logger.warn({ reason: failure.reason }, 'a database connection failed; it is discarded and replaced'),
    onEventLogReplaced: ({ replaced, current }) =>
      logger.warn({ from: replaced, to: current }, 'the read models were built from another event log: every projection is rebuilt from this one'),
    onSubscriptionDropped: ({ error, attempt, resumeAfter }) => {
      if (attempt === 1) metrics.subscriptionDropped();
      logger.warn(
        { reason: error instanceof Error ? error.message : String(error), attempt, resumeAfter: positionText(resumeAfter) },
        'subscription to the event log dropped; resubscribing from the last handled event',
      );
    },
    onResubscribed: ({ after, attempts }) => {
      metrics.resubscribed();
      logger.info({ after: positionText(after), attempts }, 'subscription to the event log resumed');
    },
  });
  ledger.stripe?.onBreakerStateChange((state) => metrics.stripeBreaker(state));
  const hooks = { applied: metrics.projectionApplied, failed: metrics.projectionFailed, setAside: metrics.projectionSetAside };
  const workers = config.runProjections ? startLiveWorkers(ledger, logger, hooks) : null;
  const processManager = startProcessManager(ledger, logger);
  const monitor = startProjectionMonitor({
    store: ledger.store,
    db: ledger.database.db,
    diagnostics: ledger.diagnostics,
    projections: allProjections,
    stallSeconds: config.projectionStallSeconds,
    logger,
    onSample: metrics.observeProjections,
  });
  const app = buildHttpApp(ledger, { logger, metrics, webhookSecrets: secrets, monitor });
  let stopping = false;
  // A request in flight when the stop begins is answered; its keep-alive connection must not
  // then hold the server open until it idles out.
  app.addHook('onSend', async (_request, reply) => {
    if (stopping) reply.header('connection', 'close');
  });
  // Stops taking requests and lets those in flight finish (each bounded by the database
  // timeouts) while the runners finish their batch; the pool closes once all are done.
  const stopAll = async () => {
    stopping = true;
    await Promise.all([app.close(), monitor.stop(), processManager.stop(), workers?.stop()]);
    await ledger.close();
  };
  try {
    await app.listen({ port: config.port, host: config.host });
  } catch (error) {
    await stopAll();
    throw error;
  }
  const address = app.server.address();
  const port = typeof address === 'object' && address ? address.port : config.port;
  const url = `http://localhost:${port}`;
  if (generatedIn) {
    // Like `stripe listen`, show the development secret once so a local forwarder can sign with it.
    process.stderr.write(
      `Development webhook signing secret: ${secrets[0]} (kept in ${generatedIn}; set STRIPE_WEBHOOK_SIGNING_SECRET to use your own)\n`,
    );
  }
  logger.info({ url, store: ledger.database.description, eventLog: ledger.eventLog.description, projections: allProjections.map((p) => p.name) }, 'ledger listening');
  return { url, close: stopAll };
}
