import { randomUUID } from 'node:crypto';
import { credentials, type ServiceError } from '@grpc/grpc-js';
import sharedPb from '@eventstore/db-client/generated/shared_pb.js';
import streamsGrpc from '@eventstore/db-client/generated/streams_grpc_pb.js';
import streamsPb from '@eventstore/db-client/generated/streams_pb.js';
import emptyPb from 'google-protobuf/google/protobuf/empty_pb.js';
import timestampPb from 'google-protobuf/google/protobuf/timestamp_pb.js';
import type { EsdbDouble } from '../../../scripts/esdb-double/server.ts';
import { uuidText } from '../../../scripts/esdb-double/wire.ts';
import { until } from './double-client.ts';

/*
 * A Streams.BatchAppend call made by hand through the client's generated stubs, to send what the
 * client library never sends (interleaved appends in chosen order, events without metadata,
 * chosen deadlines) and to see every answer, including those the library cannot match.
 */

const { BatchAppendReq } = streamsPb;
type BatchAppendRequest = InstanceType<typeof BatchAppendReq>;
export type BatchAppendResponse = InstanceType<typeof streamsPb.BatchAppendResp>;

export interface RawEvent {
  readonly id?: string;
  readonly type?: string;
  readonly contentType?: string;
  readonly data?: string;
}

export interface RawRequest {
  readonly correlationId: string;
  /** Present on an append's first request. */
  readonly options?: {
    readonly stream?: string;
    readonly expected: 'any' | 'no_stream' | 'stream_exists' | bigint;
    readonly deadline?: Date;
  };
  readonly events?: readonly RawEvent[];
  readonly isFinal: boolean;
}

function request(raw: RawRequest): BatchAppendRequest {
  const built = new BatchAppendReq().setCorrelationId(new sharedPb.UUID().setString(raw.correlationId)).setIsFinal(raw.isFinal);
  if (raw.options) {
    const options = new BatchAppendReq.Options();
    if (raw.options.stream !== undefined) options.setStreamIdentifier(new sharedPb.StreamIdentifier().setStreamName(Buffer.from(raw.options.stream)));
    const expected = raw.options.expected;
    if (expected === 'any') options.setAny(new emptyPb.Empty());
    else if (expected === 'no_stream') options.setNoStream(new emptyPb.Empty());
    else if (expected === 'stream_exists') options.setStreamExists(new emptyPb.Empty());
    else options.setStreamPosition(expected.toString());
    if (raw.options.deadline) options.setDeadline(timestampPb.Timestamp.fromDate(raw.options.deadline));
    built.setOptions(options);
  }
  for (const event of raw.events ?? []) {
    const message = new BatchAppendReq.ProposedMessage()
      .setId(new sharedPb.UUID().setString(event.id ?? randomUUID()))
      .setData(Buffer.from(event.data ?? '{}'));
    const metadata = message.getMetadataMap();
    if (event.type !== undefined) metadata.set('type', event.type);
    if (event.contentType !== undefined) metadata.set('content-type', event.contentType);
    built.addProposedMessages(message);
  }
  return built;
}

export interface RawBatchAppend {
  readonly answers: BatchAppendResponse[];
  /** The status the call ended with, once it has. */
  readonly ended: ServiceError | 'ok' | undefined;
  send(...requests: RawRequest[]): void;
  /** Waits until `count` answers have arrived. */
  answered(count: number): Promise<BatchAppendResponse[]>;
  close(): void;
}

export function rawBatchAppend(double: EsdbDouble): RawBatchAppend {
  const client = new streamsGrpc.StreamsClient(`127.0.0.1:${double.port}`, credentials.createInsecure());
  const call = client.batchAppend();
  const answers: BatchAppendResponse[] = [];
  let ended: ServiceError | 'ok' | undefined;
  call.on('data', (answer: BatchAppendResponse) => answers.push(answer));
  call.on('error', (error: ServiceError) => (ended ??= error));
  call.on('end', () => (ended ??= 'ok'));
  return {
    answers,
    get ended() {
      return ended;
    },
    send(...requests) {
      for (const raw of requests) call.write(request(raw));
    },
    async answered(count) {
      await until(() => answers.length >= count || ended !== undefined, `${count} BatchAppend answers`);
      if (answers.length < count) throw new Error(`the call ended (${ended === 'ok' ? 'OK' : ended?.message}) after ${answers.length} answers`);
      return answers.slice(0, count);
    },
    close() {
      call.cancel();
      client.close();
    },
  };
}

/** An answer in plain values: what a test compares. */
export function describeAnswer(answer: BatchAppendResponse) {
  const error = answer.getError();
  const success = answer.getSuccess();
  return {
    correlationId: uuidText(answer.getCorrelationId()),
    stream: answer.hasStreamIdentifier() ? Buffer.from(answer.getStreamIdentifier()!.getStreamName_asU8()).toString('utf8') : undefined,
    ...(success
      ? { revision: success.hasCurrentRevision() ? BigInt(success.getCurrentRevision()) : 'no_stream', position: success.hasPosition() }
      : {}),
    ...(error ? { code: error.getCode(), message: error.getMessage(), detail: error.getDetails()?.getTypeName() } : {}),
  };
}
