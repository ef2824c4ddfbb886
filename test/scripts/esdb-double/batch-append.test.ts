import { randomUUID } from 'node:crypto';
import { expect } from 'chai';
import { credentials } from '@grpc/grpc-js';
import {
  ErrorType,
  isCommandError,
  MaxAppendSizeExceededError,
  NO_STREAM,
  STREAM_EXISTS,
  WrongExpectedVersionError,
} from '@eventstore/db-client';
import serverFeaturesGrpc from '@eventstore/db-client/generated/serverfeatures_grpc_pb.js';
import type serverFeaturesPb from '@eventstore/db-client/generated/serverfeatures_pb.js';
import sharedPb from '@eventstore/db-client/generated/shared_pb.js';
import { startEsdbDouble, type EsdbDouble } from '../../../scripts/esdb-double/server.ts';
import { APPEND_PATHS, connect, event, until, type Connected } from './double-client.ts';
import { describeAnswer, rawBatchAppend, type RawBatchAppend } from './raw-batch-append.ts';

const JSON_TYPE = 'application/json';

async function supportedMethods(double: EsdbDouble): Promise<string[]> {
  const client = new serverFeaturesGrpc.ServerFeaturesClient(`127.0.0.1:${double.port}`, credentials.createInsecure());
  try {
    const methods = await new Promise<InstanceType<typeof serverFeaturesPb.SupportedMethods>>(
      (resolve, reject) => client.getSupportedMethods(new sharedPb.Empty(), (error, answer) => (error ? reject(error) : resolve(answer))),
    );
    return methods.getMethodsList().map((method) => `${method.getServiceName()}/${method.getMethodName()}`);
  } finally {
    client.close();
  }
}

async function streamTypes(connected: Connected, stream: string): Promise<string[]> {
  const types: string[] = [];
  for await (const { event: recorded } of connected.client.readStream(stream)) types.push(recorded!.type);
  return types;
}

describe('EventStoreDB double: Streams.BatchAppend', () => {
  let connected: Connected | undefined;
  let raw: RawBatchAppend | undefined;
  let restarted: EsdbDouble | undefined;

  afterEach(async () => {
    raw?.close();
    raw = undefined;
    await connected?.stop();
    connected = undefined;
    await restarted?.stop();
    restarted = undefined;
  });

  it('is listed by ServerFeatures as by a 24.10 server, and absent (UNIMPLEMENTED) with classicAppendOnly', async () => {
    connected = await connect();
    expect(await supportedMethods(connected.double)).to.include('event_store.client.streams.streams/batchappend');
    await connected.stop();

    connected = await connect({ classicAppendOnly: true });
    const methods = await supportedMethods(connected.double);
    expect(methods).to.include('event_store.client.streams.streams/append');
    expect(methods).not.to.include('event_store.client.streams.streams/batchappend');
    raw = rawBatchAppend(connected.double);
    raw.send({ correlationId: randomUUID(), options: { stream: 'x', expected: 'any' }, isFinal: true });
    await until(() => raw!.ended !== undefined, 'the call to end');
    expect(raw.ended).to.include({ code: 12 });
  });

  it("carries the client's concurrent appends over one call, each answered by its own correlation id", async () => {
    connected = await connect({ maxAppendBytes: 200_000 });
    const { client, double } = connected;
    await client.appendToStream('mux-b', event('Seed'), { expectedRevision: NO_STREAM });
    await client.appendToStream('mux-e', event('Seed'), { expectedRevision: NO_STREAM });
    const filler = 'x'.repeat(1_000);
    // Begun first and sent in many requests (a small batchAppendSize), so the others overtake it.
    const big = client.appendToStream(
      'mux-a',
      Array.from({ length: 40 }, (_, i) => event('Big', { i, filler })),
      { expectedRevision: NO_STREAM, batchAppendSize: 4_000 },
    );
    const next = client.appendToStream('mux-b', event('Next'), { expectedRevision: 0n });
    const wrong = client.appendToStream('mux-c', event('Wrong'), { expectedRevision: 5n });
    const tooLarge = client.appendToStream('mux-d', [event('T', { filler: 'y'.repeat(150_000) }), event('T', { filler: 'y'.repeat(100_000) })]);
    const exists = client.appendToStream('mux-e', event('Exists'), { expectedRevision: STREAM_EXISTS });
    const [bigDone, nextDone, wrongDone, tooLargeDone, existsDone] = await Promise.allSettled([big, next, wrong, tooLarge, exists]);

    expect(bigDone).to.deep.include({ status: 'fulfilled' });
    expect((bigDone as PromiseFulfilledResult<{ nextExpectedRevision: bigint }>).value.nextExpectedRevision).to.equal(39n);
    expect((nextDone as PromiseFulfilledResult<{ nextExpectedRevision: bigint }>).value.nextExpectedRevision).to.equal(1n);
    expect((existsDone as PromiseFulfilledResult<{ nextExpectedRevision: bigint }>).value.nextExpectedRevision).to.equal(1n);
    const wrongError = (wrongDone as PromiseRejectedResult).reason as WrongExpectedVersionError;
    expect(wrongError).to.be.instanceOf(WrongExpectedVersionError);
    expect([wrongError.streamName, wrongError.expectedVersion, wrongError.actualVersion]).to.deep.equal(['mux-c', 5n, 'no_stream']);
    const sizeError = (tooLargeDone as PromiseRejectedResult).reason as MaxAppendSizeExceededError;
    expect(sizeError).to.be.instanceOf(MaxAppendSizeExceededError);
    expect(sizeError.maxAppendSize).to.equal(200_000);

    expect(double.appendCalls).to.deep.equal({ append: 0, batchAppend: 1 });
    const bigRead: number[] = [];
    for await (const { event: recorded } of client.readStream('mux-a')) bigRead.push((recorded!.data as { i: number }).i);
    expect(bigRead).to.deep.equal(Array.from({ length: 40 }, (_, i) => i));
    expect(await streamTypes(connected, 'mux-b')).to.deep.equal(['Seed', 'Next']);
    expect(await streamTypes(connected, 'mux-e')).to.deep.equal(['Seed', 'Exists']);
    expect(double.state.lastRevision('mux-c')).to.equal(-1n);
    expect(double.state.lastRevision('mux-d')).to.equal(-1n);
  });

  it('answers interleaved appends in the order they complete, each with its correlation id and stream', async () => {
    connected = await connect();
    raw = rawBatchAppend(connected.double);
    const [a, b] = [randomUUID(), randomUUID()];
    raw.send(
      { correlationId: a, options: { stream: 'raw-a', expected: 'no_stream' }, events: [{ type: 'A1', contentType: JSON_TYPE }], isFinal: false },
      { correlationId: b, options: { stream: 'raw-b', expected: 3n }, events: [{ type: 'B', contentType: JSON_TYPE }], isFinal: true },
      { correlationId: a, events: [{ type: 'A2', contentType: JSON_TYPE }], isFinal: true },
    );
    const answers = await raw.answered(2);

    expect(answers.map(describeAnswer)).to.deep.equal([
      { correlationId: b, stream: 'raw-b', code: 6, message: 'WrongExpectedVersion', detail: 'event_store.client.WrongExpectedVersion' },
      { correlationId: a, stream: 'raw-a', revision: 1n, position: true },
    ]);
    const wrong = answers[0]!.getError()!.getDetails()!.unpack(sharedPb.WrongExpectedVersion.deserializeBinary, 'event_store.client.WrongExpectedVersion')!;
    expect([wrong.getExpectedStreamPosition(), wrong.hasCurrentNoStream()]).to.deep.equal(['3', true]);
    expect(await streamTypes(connected, 'raw-a')).to.deep.equal(['A1', 'A2']);
  });

  it('checks the size limit as an append arrives, answers it once when over, and ignores the rest of it', async () => {
    connected = await connect({ maxAppendBytes: 1_000 });
    raw = rawBatchAppend(connected.double);
    const [big, small] = [randomUUID(), randomUUID()];
    const half = { type: 'T', contentType: JSON_TYPE, data: 'x'.repeat(600) }; // 602 bytes as the server counts
    raw.send(
      { correlationId: big, options: { stream: 'raw-size', expected: 'any' }, events: [half], isFinal: false },
      { correlationId: big, events: [half], isFinal: false },
      { correlationId: big, events: [half], isFinal: true },
      { correlationId: small, options: { stream: 'raw-small', expected: 'any' }, events: [{ type: 'S', contentType: JSON_TYPE }], isFinal: true },
    );
    const answers = await raw.answered(2);

    expect(answers.map(describeAnswer)).to.deep.equal([
      { correlationId: big, stream: 'raw-size', code: 3, message: 'MaximumAppendSizeExceeded', detail: 'event_store.client.MaximumAppendSizeExceeded' },
      { correlationId: small, stream: 'raw-small', revision: 0n, position: true },
    ]);
    const limit = answers[0]!.getError()!.getDetails()!.unpack(sharedPb.MaximumAppendSizeExceeded.deserializeBinary, 'event_store.client.MaximumAppendSizeExceeded')!;
    expect(limit.getMaxappendsize()).to.equal(1_000);
    expect(connected.double.state.lastRevision('raw-size')).to.equal(-1n);
  });

  it('answers Timeout at once when the deadline has passed, and BadRequest without a stream', async () => {
    connected = await connect();
    raw = rawBatchAppend(connected.double);
    const [late, nameless] = [randomUUID(), randomUUID()];
    raw.send(
      { correlationId: late, options: { stream: 'raw-late', expected: 'any', deadline: new Date(Date.now() - 1_000) }, events: [{ type: 'L', contentType: JSON_TYPE }], isFinal: true },
      { correlationId: nameless, options: { expected: 'any' }, events: [{ type: 'N', contentType: JSON_TYPE }], isFinal: true },
    );
    const answers = await raw.answered(2);

    expect(answers.map(describeAnswer)).to.deep.equal([
      { correlationId: late, stream: 'raw-late', code: 4, message: 'Timeout', detail: 'event_store.client.Timeout' },
      { correlationId: nameless, stream: undefined, code: 3, message: 'BadRequest', detail: 'event_store.client.BadRequest' },
    ]);
    expect(connected.double.state.lastRevision('raw-late')).to.equal(-1n);
  });

  it("answers an event without type metadata BadRequest, then Timeout when the append's write timeout passes", async () => {
    connected = await connect();
    raw = rawBatchAppend(connected.double);
    const id = randomUUID();
    raw.send({ correlationId: id, options: { stream: 'raw-bad', expected: 'any' }, events: [{ contentType: JSON_TYPE }], isFinal: true });
    const answers = await raw.answered(2);

    expect(answers.map(describeAnswer)).to.deep.equal([
      { correlationId: id, stream: 'raw-bad', code: 3, message: 'BadRequest', detail: 'event_store.client.BadRequest' },
      { correlationId: id, stream: 'raw-bad', code: 4, message: 'Timeout', detail: 'event_store.client.Timeout' },
    ]);
    const bad = answers[0]!.getError()!.getDetails()!.unpack(sharedPb.BadRequest.deserializeBinary, 'event_store.client.BadRequest')!;
    expect(bad.getMessage()).to.equal('The given key was not present in the dictionary.');
    // The node's timer answers with the id in its structured form.
    expect(answers[1]!.getCorrelationId()!.hasStructured()).to.equal(true);
    expect(connected.double.state.lastRevision('raw-bad')).to.equal(-1n);
  });

  it('ends the whole call with UNKNOWN when a request without options cannot be taken', async () => {
    connected = await connect();
    raw = rawBatchAppend(connected.double);
    const id = randomUUID();
    raw.send(
      { correlationId: id, options: { stream: 'raw-end', expected: 'any' }, events: [{ type: 'A', contentType: JSON_TYPE }], isFinal: false },
      { correlationId: id, events: [{ type: 'B' }], isFinal: true },
    );
    await until(() => raw!.ended !== undefined, 'the call to end');
    expect(raw.ended).to.include({ code: 2 });
    expect(raw.answers).to.deep.equal([]);
    expect(connected.double.state.lastRevision('raw-end')).to.equal(-1n);
  });

  for (const path of APPEND_PATHS) {
    it(`fails the client's appends in flight ${path.title} when the server stops, and appends again after a restart`, async () => {
      connected = await connect(path.options);
      const { client, double } = connected;
      await client.appendToStream('drop-1', event('Before'), { expectedRevision: NO_STREAM });
      double.stallAppends();
      const inFlight = [
        client.appendToStream('drop-1', event('Lost'), { expectedRevision: 0n }),
        client.appendToStream('drop-2', event('Lost')),
      ].map((append) => append.then(() => undefined, (error: unknown) => error));
      await until(() => double.stalledAppends === 2, 'both appends to reach the server');
      const { port, state } = double;
      await double.stop();

      for (const error of await Promise.all(inFlight)) {
        expect(error).to.be.instanceOf(Error);
        expect(isCommandError(error as Error) && [ErrorType.CANCELLED, ErrorType.UNAVAILABLE].includes((error as { type: ErrorType }).type)).to.equal(
          true,
          String(error),
        );
      }
      restarted = await startEsdbDouble({ port, state, ...path.options });
      const after = await client.appendToStream('drop-1', event('After'), { expectedRevision: 0n });

      expect(after.nextExpectedRevision).to.equal(1n);
      expect(restarted.appendCalls[path.rpc]).to.equal(1);
      expect(state.streamEvents('drop-1').map((e) => e.type)).to.deep.equal(['Before', 'After']);
      expect(state.lastRevision('drop-2')).to.equal(-1n);
    });
  }
});
