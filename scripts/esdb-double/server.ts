/**
 * A wire double of EventStoreDB (KurrentDB): a gRPC server built from the protocol definitions
 * `@eventstore/db-client` ships, so that the real client runs against it where no EventStoreDB can
 * (CI has no Docker engine). Its behaviour follows the server's source (24.10, the version
 * docker-compose.yml runs); it is an insecure single node (`esdb://host:port?tls=false`) that
 * keeps its data in memory.
 *
 * Implemented (what runs against the double):
 * - Streams.Append: expected revision any / no_stream / stream_exists / exact; a mismatch is the
 *   node's WrongExpectedVersion answer (the client raises WrongExpectedVersionError with the
 *   expected and actual revisions); success carries the new revision and the $all position of
 *   the last event (commit == prepare, a byte offset that grows with every record).
 *   Idempotency as the node does it, limits included: with `any` / `stream_exists`, repeating
 *   event ids is a no-op only while every id is still in the node's bounded recent-events cache
 *   (`idempotencyCacheSize`; a restart empties it), otherwise the events are written again; with
 *   an exact revision (or `no_stream`), a retry at the same revision is always a no-op.
 *   Appends larger than `maxAppendBytes` (default 1 MiB, the node's MaxAppendSize) are refused
 *   with the node's error (the client raises MaxAppendSizeExceededError); so are events
 *   without `type` / `content-type` metadata.
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
 * - ServerFeatures.GetSupportedMethods: lists only the methods above, so the client appends with
 *   Streams.Append and never tries BatchAppend.
 * - Faults: `dropSubscriptions()` ends every open subscription with UNAVAILABLE (the client's
 *   subscription emits an UnavailableError, as when a node goes away); `stop()` closes the server
 *   at once (open calls end CANCELLED: the client's CancelledError; both errors make the client
 *   reconnect on its next call), and `startEsdbDouble({ port, state })` starts it again on the
 *   same port with the same log (a restart; like a node, it has forgotten its recent-events
 *   cache); a double started without `state` starts with no data (data lost).
 *
 * Not implemented (needs a live server): Streams.BatchAppend, Delete and Tombstone (so no
 * deleted or soft-deleted streams), stream metadata semantics ($maxCount, $tb, ACLs), TLS and
 * authentication, persistent subscriptions, projections, operations, users, gossip and clusters
 * (no leader redirects), the per-event size limit (off by default on a node), deadlines and
 * server-side timeouts, the read `compatibility` option (first/last stream position messages),
 * `fellBehind`, and durability of any kind.
 */
import { Server, ServerCredentials, status, type sendUnaryData, type ServerUnaryCall, type ServerWritableStream } from '@grpc/grpc-js';
import serverFeaturesGrpc from '@eventstore/db-client/generated/serverfeatures_grpc_pb.js';
import serverFeaturesPb from '@eventstore/db-client/generated/serverfeatures_pb.js';
import streamsGrpc from '@eventstore/db-client/generated/streams_grpc_pb.js';
import streamsPb from '@eventstore/db-client/generated/streams_pb.js';
import { handleAppend } from './append.ts';
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
}

export interface EsdbDouble {
  /** `esdb://<host>:<port>?tls=false` */
  readonly connectionString: string;
  readonly port: number;
  readonly state: EsdbDoubleState;
  /** Ends every open subscription with an UNAVAILABLE status. */
  dropSubscriptions(): void;
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

function supportedMethods(): SupportedMethods {
  const { SupportedMethods, SupportedMethod } = serverFeaturesPb;
  const method = (service: string, name: string, features: string[] = []) =>
    new SupportedMethod().setServiceName(service).setMethodName(name).setFeaturesList(features);
  // Named as a node names them: lower case, with the features the node lists.
  return new SupportedMethods()
    .setEventStoreServerVersion(SERVER_VERSION)
    .setMethodsList([
      method('event_store.client.streams.streams', 'read', ['position', 'events']),
      method('event_store.client.streams.streams', 'append'),
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
  /** Open subscriptions, each ended by calling it: with a status to send, or silently. */
  const subscriptions = new Set<(status?: RpcError) => void>();

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
  server.addService(streamsGrpc.StreamsService, {
    read,
    append: handleAppend({ state, cache, maxAppendBytes }),
  });
  server.addService(serverFeaturesGrpc.ServerFeaturesService, {
    getSupportedMethods: (_call: ServerUnaryCall<unknown, SupportedMethods>, callback: sendUnaryData<SupportedMethods>) =>
      callback(null, supportedMethods()),
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
        server.forceShutdown();
        resolve();
      });
      return stopped;
    },
  };
}
