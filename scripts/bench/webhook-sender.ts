import { Agent, request } from 'node:http';
import { signStripePayload } from '../../adapters/stripe/webhook-signature.ts';

/** Posts signed webhooks to `base` over kept-alive connections; resolves with the Stripe event id once answered 200. */
export function webhookSender(base: string, events: readonly { id: string; body: string }[], connections: number, secret: string) {
  const agent = new Agent({ keepAlive: true, maxSockets: connections });
  const url = new URL('/webhooks/stripe', base);
  const send = (index: number) =>
    new Promise<string>((resolve, reject) => {
      const { id, body } = events[index % events.length]!;
      const req = request(url, { method: 'POST', agent, headers: { 'content-type': 'application/json', 'stripe-signature': signStripePayload(body, secret) } }, (res) => {
        res.resume();
        res.on('error', reject);
        res.on('end', () => (res.statusCode === 200 ? resolve(id) : reject(new Error(`webhook answered ${res.statusCode}`))));
      });
      req.on('error', reject);
      req.end(body);
    });
  return { send, close: async () => agent.destroy() };
}
