import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo, Socket } from 'node:net';

/** What a double can be told to do instead of answering: the provider down, slow or cutting connections. */
export type HttpFault = { kind: 'status'; status: number; body?: unknown } | { kind: 'hang' } | { kind: 'close' };

export interface HttpDoubleRequest {
  readonly method: string;
  readonly path: string;
  readonly query: URLSearchParams;
  readonly headers: IncomingMessage['headers'];
  readonly body: string;
}

export interface HttpAnswer {
  readonly status: number;
  readonly body: unknown;
}

export interface HttpDouble {
  readonly url: string;
  /** Every request that reached the double, in order (faulted ones included). */
  readonly requests: HttpDoubleRequest[];
  /**
   * The next `times` requests (default: every one until `heal()`) that `matching` accepts
   * (default: all) meet `fault` instead of an answer.
   */
  fail(fault: HttpFault, options?: { times?: number; matching?: (request: HttpDoubleRequest) => boolean }): void;
  heal(): void;
  stop(): Promise<void>;
}

interface PendingFault {
  readonly fault: HttpFault;
  remaining: number;
  readonly matching: (request: HttpDoubleRequest) => boolean;
}

/**
 * The HTTP part every third-party double shares: a server on a free local port, the request
 * body read whole, fault injection, a record of requests, and a stop that closes every
 * connection. Each double supplies `answer`, its provider's documented routes.
 */
export async function startHttpDouble(answer: (request: HttpDoubleRequest) => HttpAnswer | Promise<HttpAnswer>): Promise<HttpDouble> {
  const requests: HttpDoubleRequest[] = [];
  const faults: PendingFault[] = [];
  const sockets = new Set<Socket>();
  const hanging = new Set<ServerResponse>();

  const send = (res: ServerResponse, { status, body }: HttpAnswer) => {
    const text = typeof body === 'string' ? body : JSON.stringify(body);
    res.writeHead(status, { 'content-type': typeof body === 'string' ? 'text/plain' : 'application/json' });
    res.end(text);
  };

  const server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => {
      const url = new URL(req.url ?? '/', 'http://double');
      const request: HttpDoubleRequest = { method: req.method ?? 'GET', path: url.pathname, query: url.searchParams, headers: req.headers, body: Buffer.concat(chunks).toString('utf8') };
      requests.push(request);
      const pending = faults.find((f) => f.remaining > 0 && f.matching(request));
      if (pending) {
        pending.remaining -= 1;
        const { fault } = pending;
        if (fault.kind === 'hang') return void hanging.add(res);
        if (fault.kind === 'close') return void req.socket.destroy();
        return send(res, { status: fault.status, body: fault.body ?? { error: 'double told to fail' } });
      }
      Promise.resolve()
        .then(() => answer(request))
        .then(
          (answered) => send(res, answered),
          (error: unknown) => send(res, { status: 500, body: { error: String(error) } }),
        );
    });
  });
  server.on('connection', (socket) => {
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;

  return {
    url: `http://127.0.0.1:${port}`,
    requests,
    fail(fault, options = {}) {
      faults.push({ fault, remaining: options.times ?? Number.POSITIVE_INFINITY, matching: options.matching ?? (() => true) });
    },
    heal() {
      faults.splice(0);
      for (const res of hanging) res.socket?.destroy();
      hanging.clear();
    },
    async stop() {
      for (const socket of sockets) socket.destroy();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}
