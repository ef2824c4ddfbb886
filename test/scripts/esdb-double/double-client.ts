import { credentials } from '@grpc/grpc-js';
import { EventStoreDBClient, jsonEvent, type AllStreamResolvedEvent, type Position } from '@eventstore/db-client';
import sharedPb from '@eventstore/db-client/generated/shared_pb.js';
import streamsGrpc from '@eventstore/db-client/generated/streams_grpc_pb.js';
import streamsPb from '@eventstore/db-client/generated/streams_pb.js';
import { startEsdbDouble, type EsdbDouble, type EsdbDoubleOptions } from '../../../scripts/esdb-double/server.ts';

/** A running double and a real client connected to it; `stop` closes both. */
export interface Connected {
  readonly double: EsdbDouble;
  readonly client: EventStoreDBClient;
  stop(): Promise<void>;
}

export async function connect(options: EsdbDoubleOptions = {}): Promise<Connected> {
  const double = await startEsdbDouble(options);
  const client = EventStoreDBClient.connectionString(double.connectionString);
  return {
    double,
    client,
    async stop() {
      await client.dispose();
      await double.stop();
    },
  };
}

/**
 * The client's two ways to append, each against the server that makes it choose that way: a
 * server listing Streams.BatchAppend (24.10, the double's default) gets every append over
 * BatchAppend; one without it gets Streams.Append.
 */
export const APPEND_PATHS = [
  { title: 'over BatchAppend', options: {}, rpc: 'batchAppend' },
  { title: 'over classic Append', options: { classicAppendOnly: true }, rpc: 'append' },
] as const satisfies ReadonlyArray<{ title: string; options: EsdbDoubleOptions; rpc: keyof EsdbDouble['appendCalls'] }>;

export const event = (type: string, data: Record<string, unknown> = {}, id?: string) => jsonEvent({ type, data, ...(id ? { id } : {}) });

/** Waits until `condition` holds, checking often; fails after `timeoutMs` naming what it waited for. */
export async function until(condition: () => boolean, what: string, timeoutMs = 10_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
}

export type Seen =
  | { readonly kind: 'event'; readonly stream: string; readonly revision: bigint; readonly type: string; readonly position: Position }
  | { readonly kind: 'checkpoint'; readonly position: Position };

export const events = (seen: readonly Seen[]) => seen.filter((item) => item.kind === 'event');
export const checkpoints = (seen: readonly Seen[]) => seen.filter((item) => item.kind === 'checkpoint');

export function seenEvent(resolved: AllStreamResolvedEvent): Seen {
  const recorded = resolved.event!;
  return { kind: 'event', stream: recorded.streamId, revision: recorded.revision, type: recorded.type, position: recorded.position };
}

export const compare = (a: Position, b: Position) =>
  a.commit !== b.commit ? (a.commit < b.commit ? -1 : 1) : a.prepare === b.prepare ? 0 : a.prepare < b.prepare ? -1 : 1;

/**
 * A read of $all with a server-side filter, sent through the client's own generated gRPC stubs:
 * `readAll` of @eventstore/db-client 6.2.1 takes no filter, but the protocol (and a node) does.
 */
export function readAllFiltered(
  double: EsdbDouble,
  options: { prefixes: string[]; backwards: boolean; from: 'start' | 'end' | Position; maxCount: number },
): Promise<Array<{ stream: string; type: string; position: Position }>> {
  const { ReadReq } = streamsPb;
  const all = new ReadReq.Options.AllOptions();
  if (options.from === 'start') all.setStart(new sharedPb.Empty());
  else if (options.from === 'end') all.setEnd(new sharedPb.Empty());
  else {
    all.setPosition(
      new ReadReq.Options.Position()
        .setCommitPosition(options.from.commit.toString())
        .setPreparePosition(options.from.prepare.toString()),
    );
  }
  const filter = new ReadReq.Options.FilterOptions()
    .setStreamIdentifier(new ReadReq.Options.FilterOptions.Expression().setPrefixList(options.prefixes))
    .setCount(new sharedPb.Empty())
    .setCheckpointintervalmultiplier(1);
  const request = new ReadReq().setOptions(
    new ReadReq.Options()
      .setAll(all)
      .setReadDirection(options.backwards ? ReadReq.Options.ReadDirection.BACKWARDS : ReadReq.Options.ReadDirection.FORWARDS)
      .setCount(String(options.maxCount))
      .setFilter(filter)
      .setUuidOption(new ReadReq.Options.UUIDOption().setString(new sharedPb.Empty())),
  );
  const client = new streamsGrpc.StreamsClient(`127.0.0.1:${double.port}`, credentials.createInsecure());
  return new Promise((resolve, reject) => {
    const found: Array<{ stream: string; type: string; position: Position }> = [];
    const call = client.read(request);
    call.on('data', (response: InstanceType<typeof streamsPb.ReadResp>) => {
      const recorded = response.getEvent()?.getEvent();
      if (!recorded) return;
      found.push({
        stream: Buffer.from(recorded.getStreamIdentifier()!.getStreamName_asU8()).toString('utf8'),
        type: recorded.getMetadataMap().get('type')!,
        position: { commit: BigInt(recorded.getCommitPosition()), prepare: BigInt(recorded.getPreparePosition()) },
      });
    });
    call.on('error', (error) => {
      client.close();
      reject(error);
    });
    call.on('end', () => {
      client.close();
      resolve(found);
    });
  });
}
