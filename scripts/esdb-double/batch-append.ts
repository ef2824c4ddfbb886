import type { ServerDuplexStream } from '@grpc/grpc-js';
import sharedPb from '@eventstore/db-client/generated/shared_pb.js';
import streamsPb from '@eventstore/db-client/generated/streams_pb.js';
import emptyPb from 'google-protobuf/google/protobuf/empty_pb.js';
import {
  commitAppend,
  eventRefusal,
  eventSize,
  expectedVersion,
  proposedEvent,
  proposedFields,
  type AppendContext,
  type AppendOutcome,
  type ExpectedOption,
} from './append-events.ts';
import {
  badRequestStatus,
  maximumAppendSizeExceededStatus,
  timeoutStatus,
  wrongExpectedVersionStatus,
  type RpcStatus,
} from './rpc-status.ts';
import type { ProposedEvent } from './state.ts';
import { handlerFailed, streamIdentifier, streamName, uuidMessage, uuidText, type RpcError } from './wire.ts';

/*
 * Streams.BatchAppend, the RPC a client uses for every append once the server lists it: one
 * long-lived bidirectional call carries many appends at once, each a run of requests sharing a
 * correlation id (options on the first, proposed events on each, `is_final` on the last) and
 * each answered by one response with that correlation id, the stream, and either the new
 * revision and position or a google.rpc.Status (rpc-status.ts). As on a node:
 * - an append's requests may interleave with other appends'; an append is written when its final
 *   request arrives, so answers come in the order appends complete, not the order they began;
 * - the size limit is checked after each request (over the events so far); once over, the append
 *   is answered MaximumAppendSizeExceeded and its later requests are ignored;
 * - an append must arrive whole within its deadline (options), capped by the node's write
 *   timeout; a deadline already past is answered Timeout at once, one that passes while the
 *   append is still arriving is answered Timeout then;
 * - a request the node cannot take (no id, no type or content-type, an empty id or type, no
 *   expected revision) is answered BadRequest with its exception's message, when the request
 *   carries options; the append then stays open until its timeout answers it a second time
 *   (the client library cannot match that second answer: a raw gRPC client sees it). A request
 *   without options that fails ends the whole call, because the node then fails building the
 *   BadRequest answer itself;
 * - requests for an append that is not open (answered already, or never opened) are ignored.
 * Unlike a node, which keeps the call open after the client half-closes it until the client
 * cancels, the double ends the call then, dropping appends that had not arrived whole.
 */

const { BatchAppendReq, BatchAppendResp } = streamsPb;
type BatchAppendRequest = InstanceType<typeof BatchAppendReq>;
type BatchAppendResponse = InstanceType<typeof BatchAppendResp>;
type BatchAppendOptions = InstanceType<typeof BatchAppendReq.Options>;
type BatchProposedMessage = InstanceType<typeof BatchAppendReq.ProposedMessage>;
type UuidMessage = InstanceType<typeof sharedPb.UUID>;
type StreamIdentifierMessage = InstanceType<typeof sharedPb.StreamIdentifier>;
type BatchAppendCall = ServerDuplexStream<BatchAppendRequest, BatchAppendResponse>;

/** The node's write timeout (WriteTimeoutMs, default 2 s): the longest an append may take to arrive. */
export const WRITE_TIMEOUT_MS = 2_000;

/** An exception the node turns into a BadRequest answer; its message is the node's. */
class BadRequest extends Error {}

interface OpenAppend {
  readonly stream: string;
  readonly expected: ExpectedOption;
  readonly events: ProposedEvent[];
  size: number;
  readonly timer: NodeJS.Timeout;
}

/** The UUID's canonical text, refused with the messages of the node's UUID conversion. */
function guidText(uuid: UuidMessage | undefined): string {
  if (!uuid) throw new BadRequest("Value cannot be null. (Parameter 'dto')");
  if (!uuid.hasString() && !uuid.hasStructured()) throw new BadRequest("Invalid argument: None (Parameter 'dto')");
  const text = uuidText(uuid);
  if (text === undefined) throw new BadRequest('Unrecognized Guid format.');
  return text;
}

function expectedOption(options: BatchAppendOptions): ExpectedOption {
  const Case = BatchAppendReq.Options.ExpectedStreamPositionCase;
  switch (options.getExpectedStreamPositionCase()) {
    case Case.STREAM_POSITION:
      return { revision: options.getStreamPosition() };
    case Case.ANY:
      return 'any';
    case Case.NO_STREAM:
      return 'no_stream';
    case Case.STREAM_EXISTS:
      return 'stream_exists';
    default:
      throw new BadRequest(
        `Status(StatusCode="InvalidArgument", Detail="'None' is not a valid EventStore.Client.Streams.BatchAppendReq+Types+Options+ExpectedStreamPositionOneofCase")`,
      );
  }
}

/** One event, checked in the node's order: its id, its two metadata entries, then the event itself. */
function receiveEvent(message: BatchProposedMessage): ProposedEvent {
  const fields = proposedFields(message);
  const id = guidText(message.getId());
  const { type, contentType } = fields;
  // The node reads both with the map's indexer, whose exception does not name the key.
  if (type === undefined || contentType === undefined) throw new BadRequest('The given key was not present in the dictionary.');
  const refusal = eventRefusal(id, type);
  if (refusal !== undefined) throw new BadRequest(refusal);
  return proposedEvent({ ...fields, id, type, contentType });
}

/** Milliseconds left before the options' deadline (a timestamp in this protocol version). */
function requestedTimeoutMs(options: BatchAppendOptions): number {
  const deadline = options.getDeadline();
  return deadline ? deadline.toDate().getTime() - Date.now() : Number.POSITIVE_INFINITY;
}

function success(outcome: Extract<AppendOutcome, { kind: 'success' }>): InstanceType<typeof BatchAppendResp.Success> {
  const result = new BatchAppendResp.Success();
  if (outcome.revision < 0n) result.setNoStream(new emptyPb.Empty());
  else result.setCurrentRevision(outcome.revision.toString());
  if (outcome.position < 0n) result.setNoPosition(new emptyPb.Empty());
  else {
    const position = outcome.position.toString();
    result.setPosition(new sharedPb.AllStreamPosition().setCommitPosition(position).setPreparePosition(position));
  }
  return result;
}

/**
 * `closers` holds a function per open call that forgets its open appends and their timers; the
 * server calls them when it stops.
 */
export function handleBatchAppend(context: AppendContext, closers: Set<() => void>) {
  return (call: BatchAppendCall) => {
    /** Appends begun and not yet answered, by correlation id. */
    const open = new Map<string, OpenAppend>();
    let closed = false;
    const close = () => {
      closed = true;
      closers.delete(close);
      for (const append of open.values()) clearTimeout(append.timer);
      open.clear();
    };
    closers.add(close);

    const answer = (
      correlationId: UuidMessage | undefined,
      stream: StreamIdentifierMessage | undefined,
      result: RpcStatus | InstanceType<typeof BatchAppendResp.Success>,
    ) => {
      if (closed) return;
      const response = new BatchAppendResp();
      if (correlationId) response.setCorrelationId(correlationId);
      if (stream) response.setStreamIdentifier(stream);
      if (result instanceof BatchAppendResp.Success) response.setSuccess(result);
      else response.setError(result);
      call.write(response);
    };
    const fail = (error: RpcError) => {
      if (closed) return;
      close();
      call.emit('error', error);
    };
    const take = (id: string): OpenAppend | undefined => {
      const append = open.get(id);
      if (!append) return undefined;
      open.delete(id);
      clearTimeout(append.timer);
      return append;
    };

    const begin = (id: string, options: BatchAppendOptions, timeoutMs: number): OpenAppend => {
      const stream = streamName(options.getStreamIdentifier());
      const expected = expectedOption(options);
      // The node's timer answers with the id as it keeps it: the structured form.
      const timer = setTimeout(() => {
        if (take(id)) answer(uuidMessage(id, true), streamIdentifier(stream), timeoutStatus());
      }, timeoutMs);
      return { stream, expected, events: [], size: 0, timer };
    };

    const receive = (request: BatchAppendRequest) => {
      const sentId = request.getCorrelationId();
      const id = guidText(sentId);
      const options = request.getOptions();
      if (options) {
        if (!options.hasStreamIdentifier()) {
          answer(sentId, undefined, badRequestStatus('Required field StreamIdentifier not set.'));
          return;
        }
        const timeoutMs = Math.min(requestedTimeoutMs(options), WRITE_TIMEOUT_MS);
        if (timeoutMs <= 0) {
          answer(sentId, options.getStreamIdentifier(), timeoutStatus());
          return;
        }
        if (!open.has(id)) open.set(id, begin(id, options, timeoutMs));
      }
      const append = open.get(id);
      if (!append) return;
      for (const message of request.getProposedMessagesList()) {
        const event = receiveEvent(message);
        append.events.push(event);
        append.size += eventSize(event);
      }
      if (append.size > context.maxAppendBytes) {
        take(id);
        answer(sentId, streamIdentifier(append.stream), maximumAppendSizeExceededStatus(context.maxAppendBytes));
      }
      if (!request.getIsFinal() || !take(id)) return;
      // Held while the double stalls appends: never written, never answered.
      if (!context.admit()) return;
      const outcome = commitAppend(context, append.stream, expectedVersion(append.expected), append.events);
      answer(
        sentId,
        streamIdentifier(append.stream),
        outcome.kind === 'success' ? success(outcome) : wrongExpectedVersionStatus(append.expected, outcome.current),
      );
    };

    call.on('data', (request: BatchAppendRequest) => {
      if (closed) return;
      try {
        receive(request);
      } catch (error) {
        const options = request.getOptions();
        if (!(error instanceof BadRequest) || !options) fail(handlerFailed());
        else answer(request.getCorrelationId(), options.getStreamIdentifier(), badRequestStatus(error.message));
      }
    });
    call.on('end', () => {
      if (closed) return;
      close();
      call.end();
    });
    call.on('cancelled', close);
    call.on('error', close);
  };
}

