/**
 * Sends one signed, Stripe-shaped webhook to a running ledger, for trying it out without the
 * Stripe CLI: `npm run --silent send-test-webhook -- --tenant <tenantId> [--type subscription]`.
 * Reads .env as the ledger does: posts to its PORT and signs with STRIPE_WEBHOOK_SIGNING_SECRET,
 * else with the development secret in DATA_DIR.
 */
import { Command, Option } from 'commander';
import { z } from 'zod';
import { signStripePayload } from '../adapters/stripe/webhook-signature.ts';
import { isUuid } from '../domain/ids.ts';
import { OperatorError } from '../domain/operator-error.ts';
import { exitOnMistake, matching } from '../src/cli/arguments.ts';
import { startCommand } from '../src/cli/command-start.ts';
import { ensureWebhookSecrets, loadConfig } from '../src/config.ts';
import { syntheticStripeEvent } from './lib/synthetic-stripe-events.ts';

async function main() {
  startCommand();
  const config = loadConfig();
  const options = new Command('send-test-webhook')
    .exitOverride(exitOnMistake)
    .addOption(
      new Option('--tenant <tenantId>', 'tenant the event belongs to (metadata.tenant_id)')
        .makeOptionMandatory()
        .argParser(matching(z.string().refine(isUuid, 'Expected a tenant id (a UUID, as `ledger tenants create` prints).'))),
    )
    .addOption(new Option('--type <type>', 'what to send').choices(['invoice', 'subscription']).default('invoice'))
    .addOption(
      new Option('--url <url>', 'webhook endpoint')
        .default(`http://localhost:${config.port}/webhooks/stripe`)
        .argParser(matching(z.url({ protocol: /^https?$/, error: 'Expected an http:// or https:// URL.' }))),
    )
    .parse()
    .opts<{ tenant: string; type: 'invoice' | 'subscription'; url: string }>();

  const secret = ensureWebhookSecrets(config).secrets[0]!;
  // The generator alternates types by index: index 0 is a subscription update, 1 an invoice.
  const { id, body } = syntheticStripeEvent(options.tenant, options.type === 'subscription' ? 0 : 1);
  const res = await fetch(options.url, {
    method: 'POST',
    headers: { 'content-type': 'application/json', 'stripe-signature': signStripePayload(body, secret) },
    body,
  }).catch((error: unknown) => {
    const cause = error instanceof Error && error.cause instanceof Error ? `: ${error.cause.message}` : '';
    throw new OperatorError(`could not reach ${options.url}${cause} (is the ledger running? \`npm start\`)`);
  });
  const text = await res.text();
  let response: unknown = text;
  try {
    response = JSON.parse(text);
  } catch {
    // Not JSON: shown as the text it is.
  }
  console.log(JSON.stringify({ stripeEventId: id, status: res.status, response }));
  if (!res.ok) process.exitCode = 1;
}

main().catch((error: unknown) => {
  if (!(error instanceof OperatorError)) throw error;
  process.stderr.write(`${error.message}\n`);
  process.exit(2);
});
