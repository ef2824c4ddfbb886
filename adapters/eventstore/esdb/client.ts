import {
  BACKWARDS,
  END,
  EventStoreDBClient,
  FORWARDS,
  MaxAppendSizeExceededError,
  START as LOG_START,
  StreamNotFoundError,
  WrongExpectedVersionError,
  convertToCommandError,
  isCommandError,
  streamNameFilter,
  ErrorType,
  type AllStreamResolvedEvent,
  type AllStreamSubscription,
  type EventData,
  type ResolvedEvent,
} from '@eventstore/db-client';
import sharedPb from '@eventstore/db-client/generated/shared_pb.js';
import streamsGrpc from '@eventstore/db-client/generated/streams_grpc_pb.js';
import streamsPb from '@eventstore/db-client/generated/streams_pb.js';
// Named, not default: this module marks itself `__esModule`, and a CommonJS loader (mocha
// loads a test file without top-level await that way) then takes its default export literally.
import { convertGrpcEvent } from '@eventstore/db-client/dist/utils/convertGrpcEvent.js';
import type { CallOptions, Metadata } from '@grpc/grpc-js';
import {
  EventTooLargeError,
  WrongExpectedRevisionError,
  type ExpectedRevision,
  type GlobalPosition,
  type Json,
  type NewEvent,
  type RecordedEvent,
} from '../../../domain/ports/event-store.ts';
import { appendSize } from './append-size.ts';

/**
 * The one module that knows the EventStoreDB client library (`@eventstore/db-client` 6.2.1):
 * everything else in the adapter talks to this interface, in the port's own types. Moving to
 * `@kurrent/kurrentdb-client` is a change of this file only (its `readAll` takes a `filter`,
 * which replaces `readFiltered` below).
 */
export interface EsdbClient {
  /** Appends with the server's check of `expected`; returns the stream's revision afterwards. */
  append(stream: string, events: readonly NewEvent[], expected: ExpectedRevision, deadlineMs: number): Promise<bigint>;
  /** A stream's events; [] when the stream does not exist. */
  readStream(stream: string, options: { from?: bigint | undefined; backwards: boolean; limit?: number | undefined }): Promise<RecordedEvent[]>;
  /**
   * Events of `$all` from `from` (inclusive, as the server reads), filtered by the server to
   * streams starting with one of `prefixes`, or to every stream that is not a system stream
   * (`$`-prefixed). System streams are never returned either way.
   */
  readAll(options: { from: GlobalPosition | 'start' | 'end'; backwards: boolean; prefixes?: readonly string[] | undefined; limit: number }): Promise<RecordedEvent[]>;
  /** A catch-up subscription to `$all` strictly after `after` (START: from the beginning), filtered as `readAll`. */
  subscribe(options: { after: GlobalPosition; prefixes?: readonly string[] | undefined; bufferSize: number }): EsdbSubscription;
  close(): Promise<void>;
}

export interface EsdbSubscription {
  /** Resolves when the server confirms the subscription. */
  readonly confirmed: Promise<void>;
  /**
   * Waits for events and returns those already received, at most `max`, in log order;
   * `ended` once the server ended the subscription or `close()` was called. Rejects with the
   * error that dropped the subscription.
   */
  next(max: number): Promise<RecordedEvent[] | 'ended'>;
  close(): Promise<void>;
}

/** EventStoreDB's connection string; `kurrentdb://` and `kdb://` (KurrentDB's names) are taken too. */
export function connectEsdb(connectionString: string): EsdbClient {
  const normalised = connectionString.replace(/^(?:kurrentdb|kurrent|kdb)(\+discover)?:\/\//i, 'esdb$1://');
  const client = EventStoreDBClient.connectionString(normalised);
  return {
    append: (stream, events, expected, deadlineMs) => append(client, stream, events, expected, deadlineMs),
    readStream: (stream, options) => readStream(client, stream, options),
    readAll: async (options) => {
      if (options.limit === 0) return [];
      const resolved = await readFiltered(client, options);
      return toRecordedEvents(resolved);
    },
    subscribe: (options) => subscribe(client, options),
    close: () => client.dispose(),
  };
}

/** Errors worth retrying: the server away, restarting, changing leader, or dropping a slow subscriber. */
export function isTransientEsdbError(error: unknown): boolean {
  if (!(error instanceof Error) || !isCommandError(error)) return false;
  return [
    ErrorType.UNAVAILABLE,
    ErrorType.CANCELLED,
    ErrorType.DEADLINE_EXCEEDED,
    ErrorType.TIMEOUT,
    ErrorType.NOT_LEADER,
    ErrorType.UNKNOWN,
  ].includes(error.type);
}

/** Stream names of system streams (`$all` also holds the server's own, `$`-prefixed). */
const NOT_A_SYSTEM_STREAM = '^[^$]';
const isSystemStream = (name: string) => name.startsWith('$');
/** How long a read may take before it is given up (the library's default for reads is none). */
const READ_DEADLINE_MS = 30_000;
/** An event id EventStoreDB refuses ("Empty eventId"). */
const NIL_UUID = '00000000-0000-0000-0000-000000000000';

async function append(
  client: EventStoreDBClient,
  stream: string,
  events: readonly NewEvent[],
  expected: ExpectedRevision,
  deadlineMs: number,
): Promise<bigint> {
  // The server refuses it either way, but over BatchAppend it answers such an append twice
  // (BadRequest, then Timeout once its write timeout passes); the library finds no append for the
  // second answer and throws inside the gRPC stream, which then delivers no further answers, so
  // every later append on this connection would go unanswered. Refused here instead.
  const nil = events.find((event) => event.id === NIL_UUID);
  if (nil) throw new TypeError(`append to ${stream}: event id ${nil.id} (the nil UUID) is refused by EventStoreDB`);
  // Always JSON, metadata always sent: what `appendSize` counts.
  const data = events.map(
    (event) => ({ id: event.id, contentType: 'application/json', type: event.type, data: event.data, metadata: event.metadata ?? {} }) as unknown as EventData,
  );
  try {
    // The library's batch-append path waits for the server's answer with no timer of its own.
    const appending = client.appendToStream(stream, data, { expectedRevision: expected, deadline: deadlineMs });
    const result = await answeredWithin(`append to ${stream}`, deadlineMs + 1_000, appending);
    return result.nextExpectedRevision;
  } catch (error) {
    if (error instanceof WrongExpectedVersionError) {
      const actual = error.actualVersion === 'no_stream' ? -1n : BigInt(error.actualVersion);
      throw new WrongExpectedRevisionError(stream, expected, actual);
    }
    if (error instanceof MaxAppendSizeExceededError) throw new EventTooLargeError(stream, appendSize(events), error.maxAppendSize);
    throw error;
  }
}

async function readStream(
  client: EventStoreDBClient,
  stream: string,
  options: { from?: bigint | undefined; backwards: boolean; limit?: number | undefined },
): Promise<RecordedEvent[]> {
  if (options.limit === 0) return [];
  const reading = client.readStream(stream, {
    fromRevision: options.from ?? (options.backwards ? END : LOG_START),
    direction: options.backwards ? BACKWARDS : FORWARDS,
    ...(options.limit === undefined ? {} : { maxCount: options.limit }),
  });
  const collecting = (async () => {
    const resolved: ResolvedEvent[] = [];
    for await (const event of reading) resolved.push(event);
    return resolved;
  })();
  try {
    // The library reads a stream with no deadline.
    return toRecordedEvents(await answeredWithin(`read ${stream}`, READ_DEADLINE_MS, collecting, () => void reading.cancel()));
  } catch (error) {
    if (error instanceof StreamNotFoundError) return [];
    throw error;
  }
}

/**
 * `work`, or a rejection once `ms` have passed without an answer (`cancel` is then called).
 * For an append, the outcome is then unknown: it may still be written.
 */
async function answeredWithin<T>(what: string, ms: number, work: Promise<T>, cancel?: () => void): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const silence = new Promise<never>((_, reject) => {
    timer = setTimeout(() => {
      cancel?.();
      reject(new Error(`${what}: EventStoreDB did not answer within ${ms} ms`));
    }, ms);
  });
  // Whichever loses the race must not become an unhandled rejection.
  work.catch(() => {});
  try {
    return await Promise.race([work, silence]);
  } finally {
    clearTimeout(timer);
  }
}

/** The members of the library's client that a read of its own needs (protected there). */
interface ClientInternals {
  execute<T>(
    Client: typeof streamsGrpc.StreamsClient,
    debugName: string,
    action: (grpcClient: InstanceType<typeof streamsGrpc.StreamsClient>) => Promise<T>,
  ): Promise<T>;
  callArguments(options: object, callOptions?: CallOptions): [Metadata, CallOptions];
}

/**
 * A read of `$all` with the server's stream-name filter. The gRPC protocol has it (a read with
 * `filter` and a `count` of matching events), but this library's `readAll` sends no filter, so
 * the request is built here and run through the library's own connection handling.
 */
function readFiltered(
  client: EventStoreDBClient,
  options: { from: GlobalPosition | 'start' | 'end'; backwards: boolean; prefixes?: readonly string[] | undefined; limit: number },
): Promise<AllStreamResolvedEvent[]> {
  const { ReadReq } = streamsPb;
  const all = new ReadReq.Options.AllOptions();
  if (options.from === 'start') all.setStart(new sharedPb.Empty());
  else if (options.from === 'end') all.setEnd(new sharedPb.Empty());
  else {
    const position = new ReadReq.Options.Position();
    position.setCommitPosition(options.from.commit.toString());
    position.setPreparePosition(options.from.prepare.toString());
    all.setPosition(position);
  }
  const expression = new ReadReq.Options.FilterOptions.Expression();
  if (options.prefixes) expression.setPrefixList([...options.prefixes]);
  else expression.setRegex(NOT_A_SYSTEM_STREAM);
  const filter = new ReadReq.Options.FilterOptions();
  filter.setStreamIdentifier(expression);
  filter.setCount(new sharedPb.Empty());
  filter.setCheckpointintervalmultiplier(1);
  const uuid = new ReadReq.Options.UUIDOption();
  uuid.setString(new sharedPb.Empty());
  const readOptions = new ReadReq.Options();
  readOptions.setAll(all);
  readOptions.setReadDirection(options.backwards ? ReadReq.Options.ReadDirection.BACKWARDS : ReadReq.Options.ReadDirection.FORWARDS);
  readOptions.setResolveLinks(false);
  readOptions.setCount(String(options.limit));
  readOptions.setFilter(filter);
  readOptions.setUuidOption(uuid);
  const request = new ReadReq();
  request.setOptions(readOptions);

  const internals = client as unknown as ClientInternals;
  return internals.execute(streamsGrpc.StreamsClient, 'readAll', (grpcClient) =>
    new Promise<AllStreamResolvedEvent[]>((resolve, reject) => {
      const events: AllStreamResolvedEvent[] = [];
      const call = grpcClient.read(request, ...internals.callArguments({ deadline: READ_DEADLINE_MS }));
      call.on('data', (response: InstanceType<typeof streamsPb.ReadResp>) => {
        try {
          if (response.hasEvent()) events.push(convertGrpcEvent(response.getEvent()!) as AllStreamResolvedEvent);
        } catch (error) {
          // Thrown inside the call's event emitter it would be lost and the read left hanging.
          call.cancel();
          reject(error);
        }
      });
      call.on('error', (error: Error) => reject(convertToCommandError(error)));
      call.on('end', () => resolve(events));
    }),
  );
}

function subscribe(
  client: EventStoreDBClient,
  options: { after: GlobalPosition; prefixes?: readonly string[] | undefined; bufferSize: number },
): EsdbSubscription {
  const fromPosition = options.after.commit < 0n ? LOG_START : { commit: options.after.commit, prepare: options.after.prepare };
  const filter = options.prefixes ? streamNameFilter({ prefixes: [...options.prefixes] }) : streamNameFilter({ regex: NOT_A_SYSTEM_STREAM });
  const subscription: AllStreamSubscription = client.subscribeToAll({ fromPosition, filter }, { highWaterMark: options.bufferSize });

  let failure: { error: unknown } | undefined;
  let ended = false;
  let wake: (() => void) | undefined;
  const poke = () => wake?.();
  let confirm!: () => void;
  let refuse!: (error: unknown) => void;
  const confirmed = new Promise<void>((resolve, reject) => {
    confirm = resolve;
    refuse = reject;
  });
  // Whoever waits on `confirmed` also waits on `next`, which reports the error.
  confirmed.catch(() => {});
  subscription.on('confirmation', () => confirm());
  subscription.on('error', (error) => {
    failure ??= { error };
    refuse(error);
    poke();
  });
  subscription.on('end', () => {
    ended = true;
    refuse(new Error('the subscription ended before the server confirmed it'));
    poke();
  });
  subscription.on('readable', poke);

  return {
    confirmed,
    async next(max) {
      for (;;) {
        const resolved: AllStreamResolvedEvent[] = [];
        let item: AllStreamResolvedEvent | null;
        while (resolved.length < max && (item = subscription.read() as AllStreamResolvedEvent | null) !== null) resolved.push(item);
        // Something arrived, so the server took the subscription even if no confirmation came.
        if (resolved.length > 0) confirm();
        const events = toRecordedEvents(resolved);
        if (events.length > 0) return events;
        if (failure) throw failure.error;
        if (ended) return 'ended';
        if (resolved.length > 0) continue;
        await new Promise<void>((resolve) => { wake = resolve; });
        wake = undefined;
      }
    },
    async close() {
      ended = true;
      poke();
      await subscription.unsubscribe();
    },
  };
}

function toRecordedEvents(resolved: readonly (ResolvedEvent | AllStreamResolvedEvent)[]): RecordedEvent[] {
  const events: RecordedEvent[] = [];
  for (const { event } of resolved) {
    // A link whose target is gone, or an event of the server's own.
    if (!event || isSystemStream(event.streamId)) continue;
    const metadata = event.metadata;
    events.push({
      id: event.id.toLowerCase(),
      type: event.type,
      streamName: event.streamId,
      revision: event.revision,
      position: event.position ?? { commit: -1n, prepare: -1n },
      // The ledger writes JSON only; an event written by another tool in binary keeps its bytes.
      data: event.isJson ? (event.data as Json) : Buffer.from(event.data as Uint8Array).toString('base64'),
      metadata: isJsonObject(metadata) ? metadata : {},
      recordedAt: event.created,
    });
  }
  return events;
}

function isJsonObject(value: unknown): value is { [key: string]: Json } {
  return typeof value === 'object' && value !== null && !Array.isArray(value) && !(value instanceof Uint8Array);
}
