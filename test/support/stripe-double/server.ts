import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo, Socket } from 'node:net';
import { STRIPE_API_VERSION } from '../../../adapters/stripe/api-version.ts';
import { decodeForm } from './form.ts';
import { StripeDoubleError } from './resources.ts';
import { emptyState, findRoute, type StripeDoubleState } from './routes.ts';

export const STRIPE_DOUBLE_KEY = 'sk_test_stripe_double';

/** What the double can be told to do instead of answering: Stripe down, slow or cutting connections. */
export type Fault = { kind: 'status'; status: number } | { kind: 'hang' } | { kind: 'close' };

export interface RecordedRequest {
  readonly method: string;
  readonly path: string;
  readonly params: Record<string, unknown>;
  readonly idempotencyKey: string | undefined;
  readonly replayed: boolean;
}

export interface StripeDouble {
  /** For STRIPE_API_BASE. */
  readonly url: string;
  readonly state: StripeDoubleState;
  /** Every request that reached a route, in order (faulted ones included). */
  readonly requests: RecordedRequest[];
  /** Every request from now on meets `fault`, until `heal()`. */
  fail(fault: Fault): void;
  heal(): void;
  stop(): Promise<void>;
}

interface StoredAnswer {
  readonly route: string;
  readonly params: string;
  readonly status: number;
  readonly body: string;
}

/**
 * A local stand-in for Stripe's API over real HTTP, so the `stripe` library itself is exercised:
 * Bearer auth, the Stripe-Version header, form-encoded parameters checked per endpoint, and
 * Idempotency-Key as Stripe documents it (the same key with the same parameters replays the
 * first answer with `Idempotent-Replayed: true`; with other parameters it is a 400
 * `idempotency_error`). Stricter than Stripe in one way: a POST without an Idempotency-Key is
 * refused, so a test proves every mutating call of ours carries one.
 */
export async function startStripeDouble(): Promise<StripeDouble> {
  const state = emptyState();
  const requests: RecordedRequest[] = [];
  const answers = new Map<string, StoredAnswer>();
  const sockets = new Set<Socket>();
  const hanging = new Set<ServerResponse>();
  let fault: Fault | null = null;

  const send = (res: ServerResponse, status: number, body: string, headers: Record<string, string> = {}) => {
    res.writeHead(status, { 'content-type': 'application/json', 'request-id': `req_${requests.length}`, ...headers });
    res.end(body);
  };
  const sendError = (res: ServerResponse, error: StripeDoubleError) => send(res, error.status, JSON.stringify(error.body()));

  const handle = (req: IncomingMessage, res: ServerResponse, raw: string) => {
    const url = new URL(req.url ?? '/', 'http://double');
    const method = req.method ?? 'GET';
    const params = method === 'GET' ? decodeForm(url.search.slice(1)) : decodeForm(raw);
    const key = req.headers['idempotency-key'] as string | undefined;
    const routeName = `${method} ${url.pathname}`;
    const stored = key ? answers.get(key) : undefined;
    const canonicalParams = JSON.stringify(params);
    requests.push({ method, path: url.pathname, params, idempotencyKey: key, replayed: !!stored && stored.route === routeName && stored.params === canonicalParams });

    if (fault?.kind === 'hang') return void hanging.add(res);
    if (fault?.kind === 'close') return void req.socket.destroy();
    if (fault?.kind === 'status') return sendError(res, new StripeDoubleError(fault.status, 'api_error', 'An unknown error occurred (double told to fail)'));

    const auth = /^Bearer (\S+)$/.exec(req.headers.authorization ?? '');
    if (!auth || auth[1] !== STRIPE_DOUBLE_KEY) return sendError(res, new StripeDoubleError(401, 'invalid_request_error', 'Invalid API Key provided', 'api_key_invalid'));
    if (req.headers['stripe-version'] !== STRIPE_API_VERSION) {
      return sendError(res, new StripeDoubleError(400, 'invalid_request_error', `Stripe-Version ${String(req.headers['stripe-version'])} is not the version this double speaks (${STRIPE_API_VERSION})`, 'api_version_invalid'));
    }
    if (method === 'POST' && !req.headers['content-type']?.startsWith('application/x-www-form-urlencoded')) {
      return sendError(res, new StripeDoubleError(400, 'invalid_request_error', 'Invalid request: body must be form-encoded'));
    }
    if (method === 'POST') {
      if (!key) return sendError(res, new StripeDoubleError(400, 'invalid_request_error', 'this double requires an Idempotency-Key on every POST', 'idempotency_key_missing'));
      if (key.length > 255) return sendError(res, new StripeDoubleError(400, 'invalid_request_error', 'Idempotency-Key must be at most 255 characters', 'idempotency_key_invalid'));
      if (stored) {
        if (stored.route !== routeName || stored.params !== canonicalParams) {
          return sendError(
            res,
            new StripeDoubleError(400, 'idempotency_error', `Keys for idempotent requests can only be used with the same parameters they were first used with. Try using a key other than '${key}' if you meant to execute a different request.`),
          );
        }
        return send(res, stored.status, stored.body, { 'idempotent-replayed': 'true', 'idempotency-key': key });
      }
    }
    const route = findRoute(method, url.pathname);
    let status = 200;
    let body: string;
    try {
      if (!route) throw new StripeDoubleError(404, 'invalid_request_error', `Unrecognized request URL (${method}: ${url.pathname}).`);
      body = JSON.stringify(route.handler(state, params, route.id));
    } catch (error) {
      if (!(error instanceof StripeDoubleError)) throw error;
      status = error.status;
      body = JSON.stringify(error.body());
    }
    // Stripe stores the answer, errors included, except for 5xx (where a retry runs again).
    if (method === 'POST' && key && status < 500) answers.set(key, { route: routeName, params: canonicalParams, status, body });
    send(res, status, body, key ? { 'idempotency-key': key } : {});
  };

  const server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => handle(req, res, Buffer.concat(chunks).toString('utf8')));
  });
  server.on('connection', (socket) => {
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;

  return {
    url: `http://127.0.0.1:${port}`,
    state,
    requests,
    fail: (next) => void (fault = next),
    heal() {
      fault = null;
      for (const res of hanging) res.socket?.destroy();
      hanging.clear();
    },
    async stop() {
      for (const socket of sockets) socket.destroy();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}
