import { once } from 'node:events';
import type { ServerWritableStream } from '@grpc/grpc-js';
import type { ReadRespMessage } from './wire.ts';

/**
 * Writes answers to a server-streaming call, waiting for the client to drain when gRPC's buffer
 * is full (a node's outbound channel is bounded the same way), and stops when `signal` aborts:
 * the client went away, the double stopped, or a test dropped the subscription.
 */
export class ResponseWriter {
  private readonly call: ServerWritableStream<unknown, ReadRespMessage>;
  readonly signal: AbortSignal;
  constructor(
    call: ServerWritableStream<unknown, ReadRespMessage>,
    signal: AbortSignal,
  ) {
    this.call = call;
    this.signal = signal;}

  async send(response: ReadRespMessage): Promise<void> {
    this.signal.throwIfAborted();
    if (!this.call.write(response)) await once(this.call, 'drain', { signal: this.signal });
  }
}
