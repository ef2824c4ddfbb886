/**
 * Sends one signed, Stripe-shaped webhook to a running ledger, for trying it out without the
 * Stripe CLI: `npm run --silent send-test-webhook -- --tenant <tenantId> [--type subscription]`.
 * Signs with STRIPE_WEBHOOK_SIGNING_SECRET, else the development secret in DATA_DIR.
 */
import { Command, Option } from 'commander';
import { signStripePayload } from '../adapters/stripe/webhook-signature.ts';
import { ensureWebhookSecrets, loadConfig } from '../src/config.ts';
import { syntheticStripeEvent } from './lib/synthetic-stripe-events.ts';

const options = new Command('send-test-webhook')
  .requiredOption('--tenant <tenantId>', 'tenant the event belongs to (metadata.tenant_id)')
  .addOption(new Option('--type <type>', 'what to send').choices(['invoice', 'subscription']).default('invoice'))
  .option('--url <url>', 'webhook endpoint', `http://localhost:${process.env.PORT || 3000}/webhooks/stripe`)
  .parse()
  .opts<{ tenant: string; type: 'invoice' | 'subscription'; url: string }>();

const secret = ensureWebhookSecrets(loadConfig()).secrets[0]!;
// The generator alternates types by index: index 0 is a subscription update, 1 an invoice.
const { id, body } = syntheticStripeEvent(options.tenant, options.type === 'subscription' ? 0 : 1);
const res = await fetch(options.url, {
  method: 'POST',
  headers: { 'content-type': 'application/json', 'stripe-signature': signStripePayload(body, secret) },
  body,
});
console.log(JSON.stringify({ stripeEventId: id, status: res.status, response: await res.json() }));
if (!res.ok) process.exitCode = 1;
