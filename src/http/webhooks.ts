import type { FastifyInstance } from 'fastify';
import { verifyStripeSignature, WebhookSignatureError } from '../../adapters/stripe/webhook-signature.ts';
import type { Alerts } from '../alerts/alerts.ts';
import type { Logger } from '../logger.ts';
import type { Metrics } from '../metrics.ts';
import type { IngestHealth } from '../webhooks/ingest-health.ts';
import { ingestStripeEvent, recordUnreadableStripeEvent, type IngestDeps } from '../webhooks/ingest.ts';
import { readStripeEvent } from '../webhooks/read-stripe-event.ts';
import { sendError } from './errors.ts';

export const WEBHOOK_BODY_LIMIT = 1024 * 1024;

export interface WebhookRouteDeps extends IngestDeps {
  readonly webhookSecrets: readonly string[];
  readonly logger: Logger;
  readonly metrics: Metrics;
  /** Told whether each store attempt succeeded, for /readyz. */
  readonly ingestHealth: IngestHealth;
  /** Told of failed deliveries and of new events, for the payment and webhook alerts. */
  readonly alerts: Alerts;
}

/**
 * Stripe's deliveries. The body is kept raw, because the signature covers the exact bytes, and
 * the answer is 2xx only once the event is durably in the log: anything else makes Stripe retry.
 */
export function registerWebhookRoutes(app: FastifyInstance, deps: WebhookRouteDeps): void {
  app.register(async (scope) => {
    scope.removeAllContentTypeParsers();
    scope.addContentTypeParser('*', { parseAs: 'buffer', bodyLimit: WEBHOOK_BODY_LIMIT }, (_request, body, done) => done(null, body));
    for (const url of ['/webhooks/stripe', '/api/webhooks/stripe']) {
      scope.post(url, { bodyLimit: WEBHOOK_BODY_LIMIT }, async (request, reply) => {
        const started = performance.now();
        const seconds = () => (performance.now() - started) / 1000;
        const log = deps.logger.child({ route: 'webhook' });
        const raw = Buffer.isBuffer(request.body) ? request.body : Buffer.alloc(0);
        const header = request.headers['stripe-signature'];
        try {
          verifyStripeSignature(raw, typeof header === 'string' ? header : undefined, deps.webhookSecrets);
        } catch (error) {
          if (!(error instanceof WebhookSignatureError)) throw error;
          log.warn({ security: true, reason: error.reason, ip: request.ip, bytes: raw.length }, 'webhook rejected: signature verification failed');
          deps.metrics.webhook('invalid_signature', seconds());
          deps.alerts.webhookFailed('invalid_signature');
          return sendError(reply, 400, 'invalid_signature', error.message);
        }
        const read = readStripeEvent(raw);
        if (!read.ok && (read.reason === 'invalid_json' || !read.body)) {
          log.warn({ reason: read.reason, detail: read.detail }, 'webhook rejected: signed body is not a Stripe event');
          deps.metrics.webhook('invalid_payload', seconds());
          deps.alerts.webhookFailed('invalid_payload');
          return sendError(reply, 400, 'invalid_payload', `not a Stripe event: ${read.detail}`);
        }
        const stripeEventId = read.ok ? read.envelope.id : String(read.body!.id);
        const type = read.ok ? read.envelope.type : read.body!.type;
        // What jsonb cannot hold was replaced (or, nested too deep, left out): the bytes as
        // delivered travel with the event, so nothing Stripe signed is lost.
        const unstorable = read.unstorable.length > 0 ? read.unstorable : undefined;
        const deliveredBody = unstorable ? { reasons: unstorable, base64: raw.toString('base64') } : null;
        try {
          // A verified body we cannot read as an event, but that has an id, is recorded all the
          // same (parked, with why): Stripe would otherwise retry it for days and then drop it.
          const result = read.ok
            ? await ingestStripeEvent(deps, read.envelope, new Date(), deliveredBody)
            : await recordUnreadableStripeEvent(deps, { body: read.body!, reason: read.reason, detail: read.detail }, new Date(), deliveredBody);
          deps.ingestHealth.succeeded();
          const outcome = result.duplicate ? 'duplicate' : result.tenantId ? 'appended' : 'parked';
          deps.metrics.webhook(outcome, seconds());
          if (read.ok && !result.duplicate) deps.alerts.ingested(read.envelope);
          const line = {
            stripeEventId,
            type,
            tenantId: result.tenantId,
            outcome,
            unstorableBody: unstorable,
            oversize: result.oversize,
            latencyMs: Math.round(seconds() * 1000),
          };
          if (read.ok && !unstorable && !result.oversize) log.info(line, 'webhook');
          else if (read.ok) log.warn(line, 'webhook');
          else log.warn({ ...line, reason: read.reason, detail: read.detail }, 'webhook');
          return reply.code(200).send({ received: true, duplicate: result.duplicate, routed: result.tenantId !== null });
        } catch (error) {
          deps.ingestHealth.failed(error);
          deps.metrics.webhook('failed', seconds());
          deps.alerts.webhookFailed('store_unavailable');
          log.error({ err: error, stripeEventId, type, outcome: 'failed', latencyMs: Math.round(seconds() * 1000) }, 'webhook');
          return sendError(reply, 503, 'store_unavailable', 'the event could not be recorded; Stripe will retry');
        }
      });
    }
  });
}
