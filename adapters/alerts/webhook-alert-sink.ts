import type { Logger } from 'pino';
import type { AlertSink } from '../../domain/ports/provisioning.ts';

export interface AlertSinkOptions {
  readonly logger: Logger;
  /** ALERT_WEBHOOK_URL: also POSTed there as JSON when set. */
  readonly webhookUrl?: string | null | undefined;
  readonly timeoutMs: number;
}

// Detail fields an alert never carries, whatever a caller put in it.
const SECRET_NAME = /secret|token|password|passphrase|private|api_?key|authorization|credential/i;
const SECRET_VALUE = /PRIVATE KEY-----|^(sk|rk)_(live|test)_|^whsec_|^hvs\./;

function withoutSecrets(detail: Readonly<Record<string, string | number | null>>): Record<string, string | number | null> {
  return Object.fromEntries(Object.entries(detail).filter(([name, value]) => !SECRET_NAME.test(name) && !(typeof value === 'string' && SECRET_VALUE.test(value))));
}

/**
 * Raises an operator alert: an error log line, and a POST to ALERT_WEBHOOK_URL when one is set.
 * A webhook that fails or does not answer in time is logged, not thrown: the alert is already in
 * the log (and the process manager records it as an event), and a paging service being down
 * must not stop the process that found the problem.
 */
export function createAlertSink(options: AlertSinkOptions): AlertSink {
  const logger = options.logger.child({ component: 'operator-alerts' });
  return {
    async raise(alert) {
      const body = { tenantId: alert.tenantId, process: alert.process, summary: alert.summary, detail: withoutSecrets(alert.detail), raisedAt: new Date().toISOString() };
      logger.error({ alert: body }, `operator alert: ${alert.summary}`);
      if (!options.webhookUrl) return;
      try {
        const response = await fetch(options.webhookUrl, {
          method: 'POST',
          headers: { 'content-type': 'application/json' },
          body: JSON.stringify(body),
          signal: AbortSignal.timeout(options.timeoutMs),
        });
        await response.body?.cancel();
        if (!response.ok) logger.warn({ status: response.status }, 'ALERT_WEBHOOK_URL refused the alert');
      } catch (error) {
        logger.warn({ reason: (error as Error).name === 'TimeoutError' ? `no answer within ${options.timeoutMs} ms` : (error as Error).message }, 'ALERT_WEBHOOK_URL could not be reached');
      }
    },
  };
}
