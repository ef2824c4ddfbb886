/**
 * The HTTP ceiling: a bare fastify server that reads the raw body, verifies the Stripe signature
 * with Stripe's library (the ledger's own check) and answers 200, storing nothing. Prints its
 * address on stdout; stops on SIGTERM.
 */
import Fastify from 'fastify';
import { verifyStripeSignature } from '../../adapters/stripe/webhook-signature.ts';

const secret = process.env.STRIPE_WEBHOOK_SIGNING_SECRET ?? '';
const app = Fastify({ logger: false, bodyLimit: 1024 * 1024 });
app.addContentTypeParser('application/json', { parseAs: 'buffer' }, (_request, body, done) => done(null, body));
app.post('/webhooks/stripe', async (request, reply) => {
  const header = request.headers['stripe-signature'];
  verifyStripeSignature(request.body as Buffer, typeof header === 'string' ? header : undefined, [secret]);
  JSON.parse((request.body as Buffer).toString('utf8'));
  return reply.code(200).send({ received: true });
});
const address = await app.listen({ host: '127.0.0.1', port: 0 });
process.stdout.write(`${address}\n`);
process.once('SIGTERM', () => void app.close().then(() => process.exit(0)));
