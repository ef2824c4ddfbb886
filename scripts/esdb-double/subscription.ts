import { randomUUID } from 'node:crypto';
import type { EventPredicate } from './filter.ts';
import { checkReadablePosition, type AllFrom, type StreamFrom } from './read.ts';
import type { ResponseWriter } from './response-writer.ts';
import type { EsdbDoubleState, LogRecord } from './state.ts';
import {
  BEFORE_FIRST,
  caughtUpResponse,
  checkpointResponse,
  comparePositions,
  confirmationResponse,
  eventResponse,
  positionOf,
  type EventOptions,
  type LogPosition,
} from './wire.ts';

/*
 * Streams.Read with subscription options, following a node's subscription enumerators:
 *
 * 1. The live feed is registered first (here: the index of the next record written), then the
 *    confirmation is sent.
 * 2. A subscription starting before the last record catches up: $all in pages of up to 32
 *    matching events or `maxSearchWindow` considered events; a stream event by event. The start
 *    position or revision is exclusive.
 * 3. `caughtUp`, then live events: every record written since step 1 that lies after what was
 *    sent, so nothing is skipped or sent twice.
 *
 * A filtered $all subscription also gets checkpoints (the position a client may resume from):
 * while catching up, each time the events considered (matching or not, system events included)
 * reach `checkpointIntervalMultiplier × maxSearchWindow`, at the end of the catch-up, and live,
 * once every that many events written. A checkpoint is never behind one sent before. These
 * follow the current server; 24.10 could, at the end of a catch-up that sent no event from
 * `start`, send a checkpoint at 2^64-1, which later versions fixed.
 *
 * `fellBehind` is never sent: a node does not send it to clients, and the double's live feed is
 * its log, which cannot overflow.
 */

const READ_BATCH_SIZE = 32;

export interface AllSubscriptionFilter {
  readonly predicate: EventPredicate;
  readonly maxSearchWindow: number;
  /** Considered events between checkpoints: the multiplier times the search window. */
  readonly checkpointInterval: number;
}

export interface AllSubscriptionRequest {
  readonly from: AllFrom;
  readonly predicate: EventPredicate;
  readonly filter: AllSubscriptionFilter | null;
  readonly eventOptions: EventOptions;
}

export interface StreamSubscriptionRequest {
  readonly stream: string;
  readonly from: StreamFrom;
  readonly eventOptions: EventOptions;
}

const isAfter = (a: LogPosition, b: LogPosition) => comparePositions(a, b) > 0;

/** Yields the records written from index `from` on, waiting for new ones as they are written. */
async function* liveRecords(state: EsdbDoubleState, from: number, signal: AbortSignal): AsyncGenerator<LogRecord> {
  let index = from;
  for (;;) {
    while (index < state.records.length) yield state.records[index++]!;
    await state.nextWrite(signal);
  }
}

interface Page {
  readonly events: LogRecord[];
  readonly considered: number;
  readonly next: LogPosition;
  readonly endOfLog: boolean;
}

/** One page of a filtered read of $all forwards, counted as a node counts it. */
function readPage(state: EsdbDoubleState, from: LogPosition, predicate: EventPredicate, maxSearchWindow: number): Page {
  const events: LogRecord[] = [];
  let considered = 0;
  let next = from;
  const records = state.records;
  let index = state.firstRecordAtOrAfter(from.commit);
  for (; index < records.length; index++) {
    if (events.length >= READ_BATCH_SIZE || considered >= maxSearchWindow) break;
    const record = records[index]!;
    if (!record.event || comparePositions(positionOf(record.event), from) < 0) continue;
    considered++;
    if (predicate(record.event)) events.push(record);
    next = { commit: record.postPosition, prepare: 0n };
  }
  return { events, considered, next, endOfLog: index >= records.length };
}

export async function subscribeToAll(
  state: EsdbDoubleState,
  out: ResponseWriter,
  request: AllSubscriptionRequest,
): Promise<void> {
  const liveFrom = state.records.length;
  const lastIndexed = state.lastRecordPosition;
  const confirmedAt = { commit: lastIndexed, prepare: lastIndexed };
  await out.send(confirmationResponse(randomUUID()));

  const { filter, predicate, eventOptions } = request;
  let checkpoint: LogPosition =
    request.from === 'start' ? BEFORE_FIRST : request.from === 'end' ? confirmedAt : request.from;
  let lastCheckpointSent: LogPosition | undefined;
  const sendCheckpoint = async (position: LogPosition) => {
    if (comparePositions(position, BEFORE_FIRST) === 0) return;
    if (lastCheckpointSent && comparePositions(position, lastCheckpointSent) <= 0) return;
    lastCheckpointSent = position;
    await out.send(checkpointResponse(position));
  };

  if (comparePositions(checkpoint, confirmedAt) < 0) {
    let counter = 0;
    let pageStart = comparePositions(checkpoint, BEFORE_FIRST) === 0 ? { commit: 0n, prepare: 0n } : checkpoint;
    for (;;) {
      checkReadablePosition(state, pageStart);
      const page = readPage(state, pageStart, predicate, filter?.maxSearchWindow ?? Number.POSITIVE_INFINITY);
      for (const { event } of page.events) {
        const position = positionOf(event!);
        if (!isAfter(position, checkpoint)) continue;
        await out.send(eventResponse(state, event!, eventOptions));
        checkpoint = position;
      }
      if (filter) counter += page.considered;
      const reachedInterval = filter !== null && counter >= filter.checkpointInterval;
      if (filter && (page.endOfLog || reachedInterval)) {
        if (reachedInterval) counter %= filter.checkpointInterval;
        if (isAfter(pageStart, checkpoint)) checkpoint = pageStart;
        await sendCheckpoint(checkpoint);
      }
      if (page.endOfLog) break;
      pageStart = page.next;
    }
  }

  await out.send(caughtUpResponse());
  let sinceCheckpoint = 0;
  for await (const { event } of liveRecords(state, liveFrom, out.signal)) {
    if (!event) continue;
    const position = positionOf(event);
    if (predicate(event) && isAfter(position, checkpoint)) {
      await out.send(eventResponse(state, event, eventOptions));
      checkpoint = position;
    }
    if (filter && ++sinceCheckpoint >= filter.checkpointInterval) {
      sinceCheckpoint = 0;
      if (!isAfter(checkpoint, position)) {
        await sendCheckpoint(position);
        checkpoint = position;
      }
    }
  }
}

export async function subscribeToStream(
  state: EsdbDoubleState,
  out: ResponseWriter,
  request: StreamSubscriptionRequest,
): Promise<void> {
  const liveFrom = state.records.length;
  const lastRevision = state.lastRevision(request.stream);
  await out.send(confirmationResponse(randomUUID()));

  let checkpoint = request.from === 'start' ? -1n : request.from === 'end' ? lastRevision : request.from;
  if (checkpoint < lastRevision) {
    const events = state.streamEvents(request.stream);
    for (let revision = checkpoint + 1n; revision < BigInt(events.length); revision += 1n) {
      await out.send(eventResponse(state, events[Number(revision)]!, request.eventOptions));
      checkpoint = revision;
    }
  }

  await out.send(caughtUpResponse());
  for await (const { event } of liveRecords(state, liveFrom, out.signal)) {
    if (!event || event.stream !== request.stream || event.revision <= checkpoint) continue;
    await out.send(eventResponse(state, event, request.eventOptions));
    checkpoint = event.revision;
  }
}
