import codePb from '@eventstore/db-client/generated/code_pb.js';
import sharedPb from '@eventstore/db-client/generated/shared_pb.js';
import statusPb from '@eventstore/db-client/generated/status_pb.js';
import anyPb from 'google-protobuf/google/protobuf/any_pb.js';
import type { ExpectedOption } from './append-events.ts';

/*
 * The errors Streams.BatchAppend answers with: not a gRPC status ending the call (the call goes on
 * carrying other appends) but a google.rpc.Status inside the append's own answer: a code, the
 * name of the case as message, and one detail message packed in an Any whose type name the
 * client switches on (`event_store.client.<Name>`), as the node builds them.
 */

export type RpcStatus = InstanceType<typeof statusPb.Status>;

const { Code } = codePb;

interface Packable {
  serializeBinary(): Uint8Array;
}

function status(code: number, message: string, detailName: string, detail: Packable): RpcStatus {
  const details = new anyPb.Any();
  details.pack(detail.serializeBinary(), `event_store.client.${detailName}`);
  return new statusPb.Status().setCode(code).setMessage(message).setDetails(details);
}

/** `current` is the stream's last revision, -1 when it has no events. */
export function wrongExpectedVersionStatus(expected: ExpectedOption, current: bigint): RpcStatus {
  const empty = () => new sharedPb.Empty();
  const detail = new sharedPb.WrongExpectedVersion();
  if (current < 0n) detail.setCurrentNoStream(empty());
  else detail.setCurrentStreamRevision(current.toString());
  switch (expected) {
    case 'any':
      detail.setExpectedAny(empty());
      break;
    case 'no_stream':
      detail.setExpectedNoStream(empty());
      break;
    case 'stream_exists':
      detail.setExpectedStreamExists(empty());
      break;
    default:
      detail.setExpectedStreamPosition(expected.revision);
  }
  return status(Code.ALREADY_EXISTS, 'WrongExpectedVersion', 'WrongExpectedVersion', detail);
}

export const maximumAppendSizeExceededStatus = (maxAppendSize: number) =>
  status(
    Code.INVALID_ARGUMENT,
    'MaximumAppendSizeExceeded',
    'MaximumAppendSizeExceeded',
    new sharedPb.MaximumAppendSizeExceeded().setMaxappendsize(maxAppendSize),
  );

export const timeoutStatus = () => status(Code.DEADLINE_EXCEEDED, 'Timeout', 'Timeout', new sharedPb.Timeout());

/** The node's answer to a request it could not take; `message` is its exception's message. */
export const badRequestStatus = (message: string) =>
  status(Code.INVALID_ARGUMENT, 'BadRequest', 'BadRequest', new sharedPb.BadRequest().setMessage(message));
