import type { sendUnaryData, ServerReadableStream } from '@grpc/grpc-js';
import sharedPb from '@eventstore/db-client/generated/shared_pb.js';
import streamsPb from '@eventstore/db-client/generated/streams_pb.js';
import {
  checkCommit,
  EXPECTED_ANY,
  EXPECTED_NO_STREAM,
  EXPECTED_STREAM_EXISTS,
  type CommitDecision,
} from './commit-check.ts';
import type { RecentEventsCache } from './recent-events-cache.ts';
import type { EsdbDoubleState, ProposedEvent } from './state.ts';
import {
  handlerFailed,
  invalidArgument,
  isRpcError,
  maxAppendSizeExceeded,
  requiredMetadataPropertyMissing,
  streamName,
  uuidText,
  type RpcError,
} from './wire.ts';

/*
 * Streams.Append: a client stream of one options message, then the proposed events; one answer.
 * As on a node, the size limit is checked while the events arrive (data + custom metadata + two
 * bytes per UTF-16 unit of the event type, summed over the append), and a wrong expected revision
 * is an ordinary answer (AppendResp.wrong_expected_version), not an error status.
 */

const { AppendReq, AppendResp } = streamsPb;
type AppendRequest = InstanceType<typeof AppendReq>;
type AppendResponse = InstanceType<typeof AppendResp>;
type AppendOptions = InstanceType<typeof AppendReq.Options>;
type RevisionCase = AppendOptions['getExpectedStreamRevisionCase'] extends () => infer C ? C : never;

export interface AppendContext {
  readonly state: EsdbDoubleState;
  readonly cache: RecentEventsCache;
  readonly maxAppendBytes: number;
}

/** The node's size of an event against the append limit. */
const eventSize = (type: string, data: Uint8Array, metadata: Uint8Array) => data.length + metadata.length + type.length * 2;

function expectedVersion(options: AppendOptions): bigint {
  const Case = AppendReq.Options.ExpectedStreamRevisionCase;
  switch (options.getExpectedStreamRevisionCase()) {
    case Case.REVISION:
      return BigInt(options.getRevision());
    case Case.ANY:
      return EXPECTED_ANY;
    case Case.STREAM_EXISTS:
      return EXPECTED_STREAM_EXISTS;
    case Case.NO_STREAM:
      return EXPECTED_NO_STREAM;
    default:
      throw invalidArgument(`'${options.getExpectedStreamRevisionCase()}' is not a valid ExpectedStreamRevisionOneofCase`);
  }
}

function proposedEvent(request: AppendRequest): ProposedEvent {
  if (!request.hasProposedMessage()) throw handlerFailed();
  const message = request.getProposedMessage()!;
  const metadata = message.getMetadataMap();
  const type = metadata.get('type');
  if (type === undefined) throw requiredMetadataPropertyMissing('type');
  const contentType = metadata.get('content-type');
  if (contentType === undefined) throw requiredMetadataPropertyMissing('content-type');
  const id = uuidText(message.getId());
  // A node refuses an event without a usable id or type when it builds the event (an exception).
  if (id === undefined || type === '') throw handlerFailed();
  return {
    id,
    type,
    isJson: contentType === 'application/json',
    data: message.getData_asU8(),
    metadata: message.getCustomMetadata_asU8(),
  };
}

function wrongExpectedVersion(revisionCase: RevisionCase, expected: bigint, current: bigint): AppendResponse {
  const Case = AppendReq.Options.ExpectedStreamRevisionCase;
  const empty = () => new sharedPb.Empty();
  const wrong = new AppendResp.WrongExpectedVersion();
  switch (revisionCase) {
    case Case.ANY:
      wrong.setExpectedAny(empty()).setAny2060(empty());
      break;
    case Case.STREAM_EXISTS:
      wrong.setExpectedStreamExists(empty()).setStreamExists2060(empty());
      break;
    case Case.NO_STREAM:
      // The node also fills the deprecated 20.6.0 field, with uint64's maximum; a JS number cannot
      // carry that exactly, and no client reads it, so it is left out here.
      wrong.setExpectedNoStream(empty());
      break;
    default:
      wrong.setExpectedRevision(expected.toString()).setExpectedRevision2060(Number(expected));
  }
  if (current < 0n) wrong.setCurrentNoStream(empty()).setNoStream2060(empty());
  else wrong.setCurrentRevision(current.toString()).setCurrentRevision2060(Number(current));
  return new AppendResp().setWrongExpectedVersion(wrong);
}

function success(lastRevision: bigint, position: bigint): AppendResponse {
  const result = new AppendResp.Success();
  if (lastRevision < 0n) result.setNoStream(new sharedPb.Empty());
  else result.setCurrentRevision(lastRevision.toString());
  if (position < 0n) result.setNoPosition(new sharedPb.Empty());
  else result.setPosition(new AppendResp.Position().setCommitPosition(position.toString()).setPreparePosition(position.toString()));
  return new AppendResp().setSuccess(result);
}

function commit(context: AppendContext, options: AppendOptions, events: ProposedEvent[]): AppendResponse {
  const stream = streamName(options.getStreamIdentifier());
  const expected = expectedVersion(options);
  const decision: CommitDecision = checkCommit(
    context.state,
    context.cache,
    stream,
    expected,
    events.map((event) => event.id),
  );
  switch (decision.kind) {
    case 'wrong-expected-version':
      return wrongExpectedVersion(options.getExpectedStreamRevisionCase(), expected, decision.current);
    case 'already-written': {
      // The node answers with the last event's revision and its position, as if just written.
      const last = context.state.event(stream, decision.last);
      return success(decision.last, last?.position ?? -1n);
    }
    case 'write': {
      const written = context.state.write(stream, events);
      for (const { event } of written) if (event) context.cache.put(event.id, event);
      const last = written.at(-1)!;
      return success(last.event?.revision ?? decision.current, last.position);
    }
  }
}

export function handleAppend(context: AppendContext) {
  return (call: ServerReadableStream<AppendRequest, AppendResponse>, callback: sendUnaryData<AppendResponse>) => {
    let options: AppendOptions | undefined;
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
          options = request.getOptions()!;
          expectedVersion(options);
          return;
        }
        const event = proposedEvent(request);
        size += eventSize(event.type, event.data, event.metadata);
        if (size > context.maxAppendBytes) throw maxAppendSizeExceeded(context.maxAppendBytes);
        events.push(event);
      } catch (error) {
        fail(error);
      }
    });
    call.on('end', () => {
      if (answered) return;
      try {
        if (!options) throw handlerFailed();
        answer(null, commit(context, options, events));
      } catch (error) {
        fail(error);
      }
    });
    call.on('error', () => {
      answered = true;
    });
  };
}
