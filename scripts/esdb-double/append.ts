import type { sendUnaryData, ServerReadableStream } from '@grpc/grpc-js';
import sharedPb from '@eventstore/db-client/generated/shared_pb.js';
import streamsPb from '@eventstore/db-client/generated/streams_pb.js';
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
import type { ProposedEvent } from './state.ts';
import {
  handlerFailed,
  invalidArgument,
  isRpcError,
  maxAppendSizeExceeded,
  requiredMetadataPropertyMissing,
  streamName,
  type RpcError,
} from './wire.ts';

/*
 * Streams.Append: a client stream of one options message, then the proposed events; one answer.
 * As on a node, the size limit is checked while the events arrive (see `eventSize`), and a wrong
 * expected revision is an ordinary answer (AppendResp.wrong_expected_version), not an error
 * status. What it shares with Streams.BatchAppend is in append-events.ts.
 */

const { AppendReq, AppendResp } = streamsPb;
type AppendRequest = InstanceType<typeof AppendReq>;
type AppendResponse = InstanceType<typeof AppendResp>;
type AppendOptions = InstanceType<typeof AppendReq.Options>;

function expectedOption(options: AppendOptions): ExpectedOption {
  const Case = AppendReq.Options.ExpectedStreamRevisionCase;
  switch (options.getExpectedStreamRevisionCase()) {
    case Case.REVISION:
      return { revision: options.getRevision() };
    case Case.ANY:
      return 'any';
    case Case.STREAM_EXISTS:
      return 'stream_exists';
    case Case.NO_STREAM:
      return 'no_stream';
    default:
      throw invalidArgument(`'${options.getExpectedStreamRevisionCase()}' is not a valid ExpectedStreamRevisionOneofCase`);
  }
}

/** One event, checked in the node's order: metadata, then the running size, then the event itself. */
function receiveEvent(request: AppendRequest, sizeBefore: number, maxAppendBytes: number): { event: ProposedEvent; size: number } {
  if (!request.hasProposedMessage()) throw handlerFailed();
  const fields = proposedFields(request.getProposedMessage()!);
  const { id, type, contentType } = fields;
  if (type === undefined) throw requiredMetadataPropertyMissing('type');
  if (contentType === undefined) throw requiredMetadataPropertyMissing('content-type');
  const size = sizeBefore + eventSize({ type, data: fields.data, metadata: fields.metadata });
  if (size > maxAppendBytes) throw maxAppendSizeExceeded(maxAppendBytes);
  // A node refuses an event without a usable id or type when it builds the event (an exception).
  if (id === undefined || eventRefusal(id, type) !== undefined) throw handlerFailed();
  return { event: proposedEvent({ ...fields, id, type, contentType }), size };
}

function wrongExpectedVersion(option: ExpectedOption, current: bigint): AppendResponse {
  const empty = () => new sharedPb.Empty();
  const wrong = new AppendResp.WrongExpectedVersion();
  switch (option) {
    case 'any':
      wrong.setExpectedAny(empty()).setAny2060(empty());
      break;
    case 'stream_exists':
      wrong.setExpectedStreamExists(empty()).setStreamExists2060(empty());
      break;
    case 'no_stream':
      // The node also fills the deprecated 20.6.0 field, with uint64's maximum; a JS number cannot
      // carry that exactly, and no client reads it, so it is left out here.
      wrong.setExpectedNoStream(empty());
      break;
    default:
      wrong.setExpectedRevision(option.revision).setExpectedRevision2060(Number(option.revision));
  }
  if (current < 0n) wrong.setCurrentNoStream(empty()).setNoStream2060(empty());
  else wrong.setCurrentRevision(current.toString()).setCurrentRevision2060(Number(current));
  return new AppendResp().setWrongExpectedVersion(wrong);
}

function appendResponse(option: ExpectedOption, outcome: AppendOutcome): AppendResponse {
  if (outcome.kind === 'wrong-expected-version') return wrongExpectedVersion(option, outcome.current);
  const result = new AppendResp.Success();
  if (outcome.revision < 0n) result.setNoStream(new sharedPb.Empty());
  else result.setCurrentRevision(outcome.revision.toString());
  if (outcome.position < 0n) result.setNoPosition(new sharedPb.Empty());
  else {
    const position = outcome.position.toString();
    result.setPosition(new AppendResp.Position().setCommitPosition(position).setPreparePosition(position));
  }
  return new AppendResp().setSuccess(result);
}

export function handleAppend(context: AppendContext) {
  return (call: ServerReadableStream<AppendRequest, AppendResponse>, callback: sendUnaryData<AppendResponse>) => {
    let options: { stream: string; option: ExpectedOption } | undefined;
    const events: ProposedEvent[] = [];
    let size = 0;
    let answered = false;
    const answer = (error: RpcError | null, response?: AppendResponse) => {
      if (answered) return;
      answered = true;
      callback(error, response);
    };
    const fail = (error: unknown) => answer(isRpcError(error) ? error : handlerFailed());

    call.on('data', (request: AppendRequest) => {
      if (answered) return;
      try {
        if (!options) {
          if (!request.hasOptions()) throw handlerFailed();
          const sent = request.getOptions()!;
          options = { stream: streamName(sent.getStreamIdentifier()), option: expectedOption(sent) };
          return;
        }
        const received = receiveEvent(request, size, context.maxAppendBytes);
        size = received.size;
        events.push(received.event);
      } catch (error) {
        fail(error);
      }
    });
    call.on('end', () => {
      if (answered) return;
      if (!options) {
        fail(handlerFailed());
        return;
      }
      // Held while the double stalls appends: never answered; the client's deadline ends the call.
      if (!context.admit()) return;
      const { stream, option } = options;
      answer(null, appendResponse(option, commitAppend(context, stream, expectedVersion(option), events)));
    });
    call.on('error', () => {
      answered = true;
    });
  };
}
