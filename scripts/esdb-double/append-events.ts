import type sharedPb from '@eventstore/db-client/generated/shared_pb.js';
import { checkCommit, EXPECTED_ANY, EXPECTED_NO_STREAM, EXPECTED_STREAM_EXISTS } from './commit-check.ts';
import type { RecentEventsCache } from './recent-events-cache.ts';
import type { EsdbDoubleState, ProposedEvent } from './state.ts';
import { uuidText } from './wire.ts';

/*
 * What the two append RPCs share. On a node, Streams.Append and Streams.BatchAppend both turn
 * their requests into the same internal write (expected version, events) and get the same
 * completion back; they differ only in how the events arrive, in which checks come first, and in
 * how the answer is worded. So the expected revision, the reading of a proposed event, its size
 * against MaxAppendSize and the commit (check, write, idempotency cache) live here, once.
 */

export interface AppendContext {
  readonly state: EsdbDoubleState;
  readonly cache: RecentEventsCache;
  readonly maxAppendBytes: number;
  /**
   * Whether an append that has fully arrived goes on to be written and answered now; false while
   * the double stalls appends (`stallAppends()`), when it is held, never written or answered.
   */
  admit(): boolean;
}

/** An expected revision as both RPCs' options carry it (each with its own oneof). */
export type ExpectedOption = 'any' | 'no_stream' | 'stream_exists' | { readonly revision: string };

/** The node's single number for an expected revision (its ExpectedVersion constants). */
export function expectedVersion(option: ExpectedOption): bigint {
  switch (option) {
    case 'any':
      return EXPECTED_ANY;
    case 'no_stream':
      return EXPECTED_NO_STREAM;
    case 'stream_exists':
      return EXPECTED_STREAM_EXISTS;
    default:
      return BigInt(option.revision);
  }
}

/** The getters both RPCs' ProposedMessage types have. */
export interface ProposedMessage {
  getId(): InstanceType<typeof sharedPb.UUID> | undefined;
  getMetadataMap(): { get(key: string): string | undefined };
  getData_asU8(): Uint8Array;
  getCustomMetadata_asU8(): Uint8Array;
}

/** A proposed message as read, before either RPC decides what is wrong with it. */
export interface ProposedFields {
  /** Lower-case UUID text; undefined when absent or not a UUID. */
  readonly id: string | undefined;
  readonly type: string | undefined;
  readonly contentType: string | undefined;
  readonly data: Uint8Array;
  readonly metadata: Uint8Array;
}

export function proposedFields(message: ProposedMessage): ProposedFields {
  const metadata = message.getMetadataMap();
  return {
    id: uuidText(message.getId()),
    type: metadata.get('type'),
    contentType: metadata.get('content-type'),
    data: message.getData_asU8(),
    metadata: message.getCustomMetadata_asU8(),
  };
}

const EMPTY_ID = '00000000-0000-0000-0000-000000000000';

/**
 * What a node's event constructor refuses, as its exception words it (the empty id and the empty
 * type; the record-size check is the per-event limit, not implemented). Undefined when fine.
 */
export function eventRefusal(id: string, type: string): string | undefined {
  if (id === EMPTY_ID) return "Empty eventId provided. (Parameter 'eventId')";
  if (type === '') return "Empty eventType provided. (Parameter 'eventType')";
  return undefined;
}

export function proposedEvent(fields: ProposedFields & { id: string; type: string; contentType: string }): ProposedEvent {
  return {
    id: fields.id,
    type: fields.type,
    isJson: fields.contentType === 'application/json',
    data: fields.data,
    metadata: fields.metadata,
  };
}

/**
 * The node's size of an event against MaxAppendSize: data + custom metadata + two bytes per
 * UTF-16 unit of the type. (24.10.0 counted the data alone, through an operator-precedence slip
 * fixed in 24.10.4; the `24.10` image is the latest patch, so the double counts all three.)
 */
export const eventSize = (event: { type: string; data: Uint8Array; metadata: Uint8Array }) =>
  event.data.length + event.metadata.length + event.type.length * 2;

export type AppendOutcome =
  /** The stream's last revision afterwards and the $all position of the last event (-1: none). */
  | { readonly kind: 'success'; readonly revision: bigint; readonly position: bigint }
  | { readonly kind: 'wrong-expected-version'; readonly current: bigint };

/** Checks and writes one append, as the node's core does for either RPC. */
export function commitAppend(context: AppendContext, stream: string, expected: bigint, events: ProposedEvent[]): AppendOutcome {
  const decision = checkCommit(
    context.state,
    context.cache,
    stream,
    expected,
    events.map((event) => event.id),
  );
  switch (decision.kind) {
    case 'wrong-expected-version':
      return { kind: 'wrong-expected-version', current: decision.current };
    case 'already-written': {
      // The node answers with the last event's revision and its position, as if just written.
      const last = context.state.event(stream, decision.last);
      return { kind: 'success', revision: decision.last, position: last?.position ?? -1n };
    }
    case 'write': {
      const written = context.state.write(stream, events);
      for (const { event } of written) if (event) context.cache.put(event.id, event);
      const last = written.at(-1)!;
      return { kind: 'success', revision: last.event?.revision ?? decision.current, position: last.position };
    }
  }
}
