import { Metadata, status } from '@grpc/grpc-js';
import sharedPb from '@eventstore/db-client/generated/shared_pb.js';
import streamsPb from '@eventstore/db-client/generated/streams_pb.js';
import type { EsdbDoubleState, StoredEvent } from './state.ts';

/*
 * Translation between the double's records and the protocol's messages (the ones
 * `@eventstore/db-client` ships), and the error statuses a node answers with: a gRPC status code,
 * a message, and trailers whose `exception` entry the client maps to its typed errors.
 */

export const { ReadResp } = streamsPb;
export type ReadRespMessage = InstanceType<typeof ReadResp>;

/** A position in $all; (-1, -1) is "before the first record" (a node's head of log). */
export interface LogPosition {
  readonly commit: bigint;
  readonly prepare: bigint;
}

export const BEFORE_FIRST: LogPosition = { commit: -1n, prepare: -1n };
export const UINT64_MAX = 2n ** 64n - 1n;

export const positionOf = (event: StoredEvent): LogPosition => ({ commit: event.position, prepare: event.position });

export function comparePositions(a: LogPosition, b: LogPosition): number {
  if (a.commit !== b.commit) return a.commit < b.commit ? -1 : 1;
  if (a.prepare !== b.prepare) return a.prepare < b.prepare ? -1 : 1;
  return 0;
}

// ---- errors ---------------------------------------------------------------------------------

export interface RpcError {
  readonly code: status;
  readonly details: string;
  readonly metadata: Metadata;
}

export function rpcError(code: status, details: string, trailers: Record<string, string> = {}): RpcError {
  const metadata = new Metadata();
  for (const [key, value] of Object.entries(trailers)) metadata.set(key, value);
  return { code, details, metadata };
}

export const isRpcError = (error: unknown): error is RpcError =>
  typeof error === 'object' && error !== null && 'code' in error && 'details' in error && 'metadata' in error;

/** What ASP.NET answers when a handler throws something that is not a gRPC status. */
export const handlerFailed = () => rpcError(status.UNKNOWN, 'Exception was thrown by handler.');

export const invalidArgument = (message: string) => rpcError(status.INVALID_ARGUMENT, message);

export const invalidPosition = () => rpcError(status.INVALID_ARGUMENT, 'Trying to read from an invalid position.');

export const maxAppendSizeExceeded = (maxAppendSize: number) =>
  rpcError(status.INVALID_ARGUMENT, `Maximum Append Size of ${maxAppendSize} Exceeded.`, {
    exception: 'maximum-append-size-exceeded',
    'maximum-append-size': String(maxAppendSize),
  });

export const requiredMetadataPropertyMissing = (property: string) =>
  rpcError(status.INVALID_ARGUMENT, `Required Metadata Property '${property}' is missing`, {
    exception: 'missing-required-metadata-property',
    'required-metadata-properties': 'type,content-type',
  });

// ---- identifiers ----------------------------------------------------------------------------

type UuidMessage = InstanceType<typeof sharedPb.UUID>;
type StreamIdentifierMessage = InstanceType<typeof sharedPb.StreamIdentifier>;

export function streamName(identifier: StreamIdentifierMessage | undefined): string {
  return Buffer.from(identifier?.getStreamName_asU8() ?? new Uint8Array()).toString('utf8');
}

export function streamIdentifier(name: string): StreamIdentifierMessage {
  return new sharedPb.StreamIdentifier().setStreamName(Buffer.from(name, 'utf8'));
}

const HEX_UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;

/** The UUID text of either form (structured is two signed 64-bit halves, most significant first). */
export function uuidText(uuid: UuidMessage | undefined): string | undefined {
  if (!uuid) return undefined;
  if (uuid.hasStructured()) {
    const structured = uuid.getStructured()!;
    const hex = [structured.getMostSignificantBits(), structured.getLeastSignificantBits()]
      .map((half) => BigInt.asUintN(64, BigInt(half)).toString(16).padStart(16, '0'))
      .join('');
    return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`;
  }
  const text = uuid.getString().toLowerCase();
  return HEX_UUID.test(text) ? text : undefined;
}

/** A UUID message of `id`, in the structured form (two signed 64-bit halves) or as text. */
export function uuidMessage(id: string, structured: boolean): UuidMessage {
  if (!structured) return new sharedPb.UUID().setString(id);
  const hex = id.replaceAll('-', '');
  const half = (part: string) => BigInt.asIntN(64, BigInt(`0x${part}`)).toString();
  return new sharedPb.UUID().setStructured(
    new sharedPb.UUID.Structured().setMostSignificantBits(half(hex.slice(0, 16))).setLeastSignificantBits(half(hex.slice(16))),
  );
}

// ---- events ---------------------------------------------------------------------------------

function recordedEvent(event: StoredEvent, structuredIds: boolean) {
  const recorded = new ReadResp.ReadEvent.RecordedEvent()
    .setId(uuidMessage(event.id, structuredIds))
    .setStreamIdentifier(streamIdentifier(event.stream))
    .setStreamRevision(event.revision.toString())
    .setCommitPosition(event.position.toString())
    .setPreparePosition(event.position.toString())
    .setData(event.data)
    .setCustomMetadata(event.metadata);
  recorded
    .getMetadataMap()
    .set('type', event.type)
    .set('created', event.created.toString())
    .set('content-type', event.isJson ? 'application/json' : 'application/octet-stream');
  return recorded;
}

const LINK_TYPE = '$>';
const LINK_DATA = /^(\d+)@(.+)$/s;

/** The event a link (`$>`, data `<revision>@<stream>`) points at, if it still exists. */
function linkTarget(state: EsdbDoubleState, link: StoredEvent): StoredEvent | undefined {
  const match = LINK_DATA.exec(Buffer.from(link.data).toString('utf8'));
  return match ? state.event(match[2]!, BigInt(match[1]!)) : undefined;
}

export interface EventOptions {
  readonly resolveLinks: boolean;
  readonly structuredIds: boolean;
}

/** A read or subscription answer carrying `event` (resolved when it is a link and asked to). */
export function eventResponse(state: EsdbDoubleState, event: StoredEvent, options: EventOptions): ReadRespMessage {
  const readEvent = new ReadResp.ReadEvent().setCommitPosition(event.position.toString());
  if (options.resolveLinks && event.type === LINK_TYPE) {
    readEvent.setLink(recordedEvent(event, options.structuredIds));
    const target = linkTarget(state, event);
    if (target) readEvent.setEvent(recordedEvent(target, options.structuredIds));
  } else {
    readEvent.setEvent(recordedEvent(event, options.structuredIds));
  }
  return new ReadResp().setEvent(readEvent);
}

export const confirmationResponse = (subscriptionId: string) =>
  new ReadResp().setConfirmation(new ReadResp.SubscriptionConfirmation().setSubscriptionId(subscriptionId));

export const caughtUpResponse = () => new ReadResp().setCaughtUp(new ReadResp.CaughtUp());

export const checkpointResponse = (position: LogPosition) =>
  new ReadResp().setCheckpoint(
    new ReadResp.Checkpoint().setCommitPosition(position.commit.toString()).setPreparePosition(position.prepare.toString()),
  );

export const streamNotFoundResponse = (stream: string) =>
  new ReadResp().setStreamNotFound(new ReadResp.StreamNotFound().setStreamIdentifier(streamIdentifier(stream)));
