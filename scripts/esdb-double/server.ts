/**
 * A wire double of EventStoreDB (KurrentDB): a gRPC server built from the protocol definitions
 * `@eventstore/db-client` ships, so that the real client runs against it where no EventStoreDB can
 * (CI has no Docker engine). Its behaviour follows the server's source (24.10, the version
 * docker-compose.yml runs); it is an insecure single node (`esdb://host:port?tls=false`) that
 * keeps its data in memory.
 *
 * Implemented (what runs against the double):
 * - Appends, over both RPCs, which share one write (append-events.ts) as on a node:
 *   Streams.BatchAppend (batch-append.ts), which a 24.10 server lists and the client then uses
 *   for every append, and Streams.Append (append.ts), the client's path on a server without
 *   BatchAppend (`classicAppendOnly`). Expected revision any / no_stream / stream_exists / exact;
 *   a mismatch is the node's WrongExpectedVersion answer (Append: a field of its answer;
 *   BatchAppend: the append's google.rpc.Status ALREADY_EXISTS with WrongExpectedVersion details);
 *   the client raises WrongExpectedVersionError with the expected and actual revisions either
 *   way. Success carries the new revision and the $all position of the last event (commit ==
 *   prepare, a byte offset that grows with every record).
 *   Idempotency as the node does it, limits included: with `any` / `stream_exists`, repeating
 *   event ids is a no-op only while every id is still in the node's bounded recent-events cache
 *   (`idempotencyCacheSize`; a restart empties it), otherwise the events are written again; with
 *   an exact revision (or `no_stream`), a retry at the same revision is always a no-op.
 *   Appends larger than `maxAppendBytes` (default 1 MiB, the node's MaxAppendSize) are refused
 *   with the node's error (Append: an INVALID_ARGUMENT status with the size in its trailers;
 *   BatchAppend: the append's MaximumAppendSizeExceeded status, the call going on); the client
 *   raises MaxAppendSizeExceededError either way. Events without `type` / `content-type`
 *   metadata are refused (Append: the node's missing-metadata status; BatchAppend: BadRequest).
 *   BatchAppend only: many appends on one call, their requests interleaved, each answered by
 *   its correlation id when its final request arrives; an append's deadline (the client sends
 *   one with every append) already past is answered Timeout (the client's
 *   DeadlineExceededError), and an append must arrive whole within its deadline and the node's
 *   2 s write timeout; batch-append.ts lists the rest.
 * - Streams.Read with a count: one stream forwards or backwards from a revision, start or end
 *   (a stream with no events answers stream-not-found: StreamNotFoundError); $all forwards or
 *   backwards from a position, start or end, with the node's filters (stream-name or event-type,
 *   prefixes or a regular expression). $all holds a few system events in `$`-streams from the
 *   start, as a real node's does, and hides the ones a node hides. Links (`$>`) resolve when
 *   asked.
 * - Streams.Read as a subscription, to a stream or to $all (filtered or not) from a revision or
 *   position (exclusive), start or end: confirmation, catch-up events, caughtUp, then live
 *   events in log order, with no gap or repeat; filtered $all subscriptions get checkpoints
 *   (every checkpointInterval × maxSearchWindow events considered, at the end of catch-up, and
 *   live).
 * - ServerFeatures.GetSupportedMethods: lists the methods above, as a node names them (BatchAppend
 *   without the node's `deadline_duration` feature: the double's protocol definitions have no
 *   Duration deadline, so a client sends the timestamp one, which the double reads).
 * - Faults: `dropSubscriptions()` ends every open subscription with UNAVAILABLE (the client's
 *   subscription emits an UnavailableError, as when a node goes away); `stop()` closes the server
 *   at once (open calls end CANCELLED: the client's CancelledError; both errors make the client
 *   reconnect on its next call), and `startEsdbDouble({ port, state })` starts it again on the
 *   same port with the same log (a restart; like a node, it has forgotten its recent-events
 *   cache); a double started without `state` starts with no data (data lost). A stop fails the
 *   client's appends in flight, every append of a BatchAppend call at once. `stallAppends()`
 *   holds every later append unwritten and unanswered, as a node that hangs, so that a test can
 *   stop the double while appends wait for their answers.
 *
 * Not implemented (needs a live server): Delete and Tombstone (so no deleted or soft-deleted
 * streams), stream metadata semantics ($maxCount, $tb, ACLs), TLS and authentication,
 * persistent subscriptions, projections, operations, users, gossip and clusters (no leader
 * redirects), the per-event size limit (MaxAppendEventSize, off by default on a node), server
 * timeouts other than BatchAppend's above (a node answers Timeout when a write is not done
 * within its write timeout; the double writes at once, and a stalled double never answers; the
 * gRPC deadlines of Append and Read are the client's own), BatchAppend's Duration deadline, a
 * BatchAppend call left open after the client half-closes it (the double ends it), the read
 * `compatibility` option (first/last stream position messages), `fellBehind`, and durability of
 * any kind.
 */
import { Server, ServerCredentials, status, type sendUnaryData, type ServerUnaryCall, type ServerWritableStream } from '@grpc/grpc-js';
import serverFeaturesGrpc from '@eventstore/db-client/generated/serverfeatures_grpc_pb.js';
import serverFeaturesPb from '@eventstore/db-client/generated/serverfeatures_pb.js';
import streamsGrpc from '@eventstore/db-client/generated/streams_grpc_pb.js';
import streamsPb from '@eventstore/db-client/generated/streams_pb.js';
import { handleAppend } from './append.ts';
import { handleBatchAppend } from './batch-append.ts';
import { readAll, readStream } from './read.ts';
import { parseReadRequest } from './read-request.ts';
import { cacheLimits, RecentEventsCache } from './recent-events-cache.ts';
import { ResponseWriter } from './response-writer.ts';
import { EsdbDoubleState } from './state.ts';
import { subscribeToAll, subscribeToStream } from './subscription.ts';
import { writeSystemEvents } from './system-events.ts';
import { handlerFailed, isRpcError, rpcError, type ReadRespMessage, type RpcError } from './wire.ts';

export type { EsdbDoubleState } from './state.ts';

export interface EsdbDoubleOptions {
  /** 0 (the default) takes any free port. */
  port?: number;
  /** Default 127.0.0.1. */
  host?: string;
  /** Largest append in bytes; default 1,048,576 (the node's MaxAppendSize). */
  maxAppendBytes?: number;
  /**
   * How many recent event ids the node remembers for idempotent appends. Default: the node's own
   * bound, 8 MiB of its memory estimate (about 60,000 ids for 40-character stream names).
   */
  idempotencyCacheSize?: number;
  /** The data to start with (from `createEsdbDoubleState()` or a stopped double); default: new. */
  state?: EsdbDoubleState;
  /**
   * Serve as a server without Streams.BatchAppend (before 21.10): not listed in ServerFeatures and
   * answered UNIMPLEMENTED, so the client appends with Streams.Append. Default false: like 24.10,
   * BatchAppend is listed, and the client uses it for every append.
   */
  classicAppendOnly?: boolean;
}

export interface EsdbDouble {
  /** `esdb://<host>:<port>?tls=false` */
  readonly connectionString: string;
  readonly port: number;
  readonly state: EsdbDoubleState;
  /** gRPC calls served, of each append RPC (one BatchAppend call carries many appends). */
  readonly appendCalls: { readonly append: number; readonly batchAppend: number };
  /** How many appends `stallAppends()` is holding. */
  readonly stalledAppends: number;
  /** Ends every open subscription with an UNAVAILABLE status. */
  dropSubscriptions(): void;
  /**
   * From now until the double stops, appends that arrive whole (either RPC) are held: neither
   * written nor answered, as by a node that hangs. (A node whose writer stalls answers Timeout
   * after its write timeout; the double holds them until `stop()`.)
   */
  stallAppends(): void;
  /** Closes the server at once, cancelling open calls. The state stays usable for a restart. */
  stop(): Promise<void>;
}

export const DEFAULT_MAX_APPEND_BYTES = 1_048_576;
/** The version whose behaviour the double follows, reported to clients. */
export const SERVER_VERSION = '24.10.0';
/** A node accepts gRPC messages up to its largest log record, about 16 MiB. */
const MAX_RECEIVE_MESSAGE_BYTES = 16 * 1024 * 1024;

/** New data: an empty log but for the system events a fresh node writes. */
export function createEsdbDoubleState(): EsdbDoubleState {
  const state = new EsdbDoubleState();
  writeSystemEvents(state);
  return state;
}

type SupportedMethods = InstanceType<typeof serverFeaturesPb.SupportedMethods>;

function supportedMethods(classicAppendOnly: boolean): SupportedMethods {
  const { SupportedMethods, SupportedMethod } = serverFeaturesPb;
  const method = (service: string, name: string, features: string[] = []) =>
    new SupportedMethod().setServiceName(service).setMethodName(name).setFeaturesList(features);
  // Named as a node names them: lower case, with the features the node lists, except BatchAppend's
  // `deadline_duration`: it tells a client it may send the deadline as a Duration, a field the
  // protocol definitions of @eventstore/db-client 6.2.1 (the double's) do not have.
  const streams = 'event_store.client.streams.streams';
  return new SupportedMethods()
    .setEventStoreServerVersion(SERVER_VERSION)
    .setMethodsList([
      method(streams, 'read', ['position', 'events']),
      method(streams, 'append'),
      ...(classicAppendOnly ? [] : [method(streams, 'batchappend')]),
      method('event_store.client.server_features.serverfeatures', 'getsupportedmethods'),
    ]);
}

type ReadCall = ServerWritableStream<InstanceType<typeof streamsPb.ReadReq>, ReadRespMessage>;

export async function startEsdbDouble(options: EsdbDoubleOptions = {}): Promise<EsdbDouble> {
  const host = options.host ?? '127.0.0.1';
  const address = host.includes(':') ? `[${host}]` : host;
  const state = options.state ?? createEsdbDoubleState();
  const cache = new RecentEventsCache(cacheLimits(options.idempotencyCacheSize));
  const maxAppendBytes = options.maxAppendBytes ?? DEFAULT_MAX_APPEND_BYTES;
  const classicAppendOnly = options.classicAppendOnly ?? false;
  /** Open subscriptions, each ended by calling it: with a status to send, or silently. */
  const subscriptions = new Set<(status?: RpcError) => void>();
  /** Open BatchAppend calls, each forgetting its open appends when called. */
  const batchAppendCalls = new Set<() => void>();
  const appendCalls = { append: 0, batchAppend: 0 };
  let stalled = false;
  let stalledAppends = 0;
  const appendContext = {
    state,
    cache,
    maxAppendBytes,
    admit() {
      if (stalled) stalledAppends++;
      return !stalled;
    },
  };

  const read = (call: ReadCall) => {
    const aborter = new AbortController();
    const out = new ResponseWriter(call, aborter.signal);
    call.on('cancelled', () => aborter.abort(new Error('cancelled')));
    const drop = (dropped?: RpcError) => {
      aborter.abort(new Error('dropped'));
      if (dropped) call.emit('error', dropped);
    };
    const run = async () => {
      const operation = parseReadRequest(call.request);
      switch (operation.kind) {
        case 'read-stream':
          return readStream(state, out, operation.request);
        case 'read-all':
          return readAll(state, out, operation.request);
        case 'subscribe-stream':
          subscriptions.add(drop);
          return subscribeToStream(state, out, operation.request);
        case 'subscribe-all':
          subscriptions.add(drop);
          return subscribeToAll(state, out, operation.request);
      }
    };
    run().then(
      () => {
        subscriptions.delete(drop);
        if (!aborter.signal.aborted) call.end();
      },
      (error: unknown) => {
        subscriptions.delete(drop);
        if (!aborter.signal.aborted) call.emit('error', isRpcError(error) ? error : handlerFailed());
      },
    );
  };

  const server = new Server({ 'grpc.max_receive_message_length': MAX_RECEIVE_MESSAGE_BYTES });
  const append = handleAppend(appendContext);
  const batchAppend = handleBatchAppend(appendContext, batchAppendCalls);
  // A method left out is answered UNIMPLEMENTED, as by a server that does not have it.
  server.addService(streamsGrpc.StreamsService, {
    read,
    append: (...call: Parameters<typeof append>) => {
      appendCalls.append++;
      append(...call);
    },
    ...(classicAppendOnly
      ? {}
      : {
          batchAppend: (call: Parameters<typeof batchAppend>[0]) => {
            appendCalls.batchAppend++;
            batchAppend(call);
          },
        }),
  });
  server.addService(serverFeaturesGrpc.ServerFeaturesService, {
    getSupportedMethods: (_call: ServerUnaryCall<unknown, SupportedMethods>, callback: sendUnaryData<SupportedMethods>) =>
      callback(null, supportedMethods(classicAppendOnly)),
  });

  const port = await new Promise<number>((resolve, reject) => {
    server.bindAsync(`${address}:${options.port ?? 0}`, ServerCredentials.createInsecure(), (error, bound) =>
      error ? reject(error) : resolve(bound),
    );
  });

  let stopped: Promise<void> | undefined;
  return {
    connectionString: `esdb://${address}:${port}?tls=false`,
    port,
    state,
    get appendCalls() {
      return { ...appendCalls };
    },
    get stalledAppends() {
      return stalledAppends;
    },
    stallAppends() {
      stalled = true;
    },
    dropSubscriptions() {
      const dropped = rpcError(status.UNAVAILABLE, 'Subscription dropped by the server.');
      for (const drop of [...subscriptions]) {
        subscriptions.delete(drop);
        drop(dropped);
      }
    },
    stop() {
      stopped ??= new Promise<void>((resolve) => {
        for (const drop of [...subscriptions]) drop();
        subscriptions.clear();
        for (const close of [...batchAppendCalls]) close();
        server.forceShutdown();
        resolve();
      });
      return stopped;
    },
  };
}
