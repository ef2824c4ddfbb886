import { status } from '@grpc/grpc-js';
import type { EventPredicate } from './filter.ts';
import type { ResponseWriter } from './response-writer.ts';
import type { EsdbDoubleState, StoredEvent } from './state.ts';
import {
  comparePositions,
  eventResponse,
  invalidPosition,
  rpcError,
  streamNotFoundResponse,
  type EventOptions,
  type LogPosition,
} from './wire.ts';

/*
 * Streams.Read with a count: reads of one stream or of $all, forwards or backwards.
 *
 * A stream read forwards starts at the given revision (inclusive); backwards, at the given
 * revision or the stream's last one, going down. A stream with no events answers `stream_not_found`
 * (the client raises StreamNotFoundError). Reading a stream forwards from `end` is refused by a
 * node with an internal error (it asks its index for event number -1), and so it is here.
 *
 * $all forwards includes the event at the given position; backwards starts strictly before it.
 * `end` forwards reads nothing. A position inside the log that is not where a record starts is
 * refused as an invalid position, as a node refuses to read from the middle of a record.
 */

export type StreamFrom = 'start' | 'end' | bigint;
export type AllFrom = 'start' | 'end' | LogPosition;

export interface StreamReadRequest {
  readonly stream: string;
  readonly from: StreamFrom;
  readonly backwards: boolean;
  readonly count: bigint;
  readonly eventOptions: EventOptions;
}

export interface AllReadRequest {
  readonly from: AllFrom;
  readonly backwards: boolean;
  readonly count: bigint;
  readonly predicate: EventPredicate;
  readonly eventOptions: EventOptions;
}

export async function readStream(state: EsdbDoubleState, out: ResponseWriter, request: StreamReadRequest): Promise<void> {
  if (!request.backwards && request.from === 'end') {
    throw rpcError(status.UNKNOWN, 'Unexpected ReadStreamResult: Error');
  }
  const events = state.streamEvents(request.stream);
  if (events.length === 0) {
    await out.send(streamNotFoundResponse(request.stream));
    return;
  }
  const last = BigInt(events.length - 1);
  let sent = 0n;
  if (request.backwards) {
    const from = request.from === 'end' ? last : request.from === 'start' ? 0n : request.from;
    for (let revision = from < last ? from : last; revision >= 0n && sent < request.count; revision -= 1n, sent += 1n) {
      await out.send(eventResponse(state, events[Number(revision)]!, request.eventOptions));
    }
    return;
  }
  const from = request.from === 'start' ? 0n : (request.from as bigint);
  for (let revision = from; revision <= last && sent < request.count; revision += 1n, sent += 1n) {
    await out.send(eventResponse(state, events[Number(revision)]!, request.eventOptions));
  }
}

/** Refuses a position that falls inside a record, as a node does. */
export function checkReadablePosition(state: EsdbDoubleState, position: LogPosition): void {
  if (position.commit < state.end && !state.isRecordBoundary(position.commit)) throw invalidPosition();
}

function* eventsForwards(state: EsdbDoubleState, from: LogPosition): Generator<StoredEvent> {
  const records = state.records;
  for (let index = state.firstRecordAtOrAfter(from.commit); index < records.length; index++) {
    const event = records[index]!.event;
    if (event && comparePositions({ commit: event.position, prepare: event.position }, from) >= 0) yield event;
  }
}

function* eventsBackwards(state: EsdbDoubleState, before: LogPosition): Generator<StoredEvent> {
  const records = state.records;
  for (let index = records.length - 1; index >= 0; index--) {
    const { event, postPosition } = records[index]!;
    if (event && comparePositions({ commit: postPosition, prepare: postPosition }, before) <= 0) yield event;
  }
}

export async function readAll(state: EsdbDoubleState, out: ResponseWriter, request: AllReadRequest): Promise<void> {
  let events: Iterable<StoredEvent>;
  if (request.backwards) {
    const before = request.from === 'end' ? { commit: state.end, prepare: state.end } : request.from === 'start' ? { commit: 0n, prepare: 0n } : request.from;
    if (request.from !== 'end') checkReadablePosition(state, before);
    events = eventsBackwards(state, before);
  } else {
    if (request.from === 'end') return;
    const from = request.from === 'start' ? { commit: 0n, prepare: 0n } : request.from;
    checkReadablePosition(state, from);
    events = eventsForwards(state, from);
  }
  let sent = 0n;
  for (const event of events) {
    if (sent >= request.count) return;
    if (!request.predicate(event)) continue;
    await out.send(eventResponse(state, event, request.eventOptions));
    sent += 1n;
  }
}
