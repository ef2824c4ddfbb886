import { expect } from 'chai';
import { BACKWARDS, END, FORWARDS, START, StreamNotFoundError, type Position } from '@eventstore/db-client';
import { compare, connect, event, readAllFiltered, type Connected } from './double-client.ts';

describe('EventStoreDB double: reads', () => {
  let connected: Connected | undefined;

  afterEach(async () => {
    await connected?.stop();
    connected = undefined;
  });

  it("answers a read of a stream without events as the server does: the client's StreamNotFoundError", async () => {
    connected = await connect();
    const error = await (async () => {
      for await (const _ of connected!.client.readStream('nobody-here')) return undefined;
    })().then(
      () => undefined,
      (e: unknown) => e,
    );
    expect(error).to.be.instanceOf(StreamNotFoundError);
    expect((error as StreamNotFoundError).streamName).to.equal('nobody-here');
  });

  it('reads a stream forwards and backwards from a revision, the start or the end, with a count', async () => {
    connected = await connect();
    const { client } = connected;
    await client.appendToStream('letters', ['a', 'b', 'c', 'd', 'e'].map((type) => event(type)));
    const read = async (options: Parameters<typeof client.readStream>[1]) => {
      const found: string[] = [];
      for await (const { event: recorded } of client.readStream('letters', options)) found.push(recorded!.type);
      return found.join('');
    };

    expect(await read({})).to.equal('abcde');
    expect(await read({ fromRevision: 2n, maxCount: 2 })).to.equal('cd');
    expect(await read({ direction: BACKWARDS, fromRevision: END, maxCount: 2 })).to.equal('ed');
    expect(await read({ direction: BACKWARDS, fromRevision: 1n })).to.equal('ba');
    expect(await read({ direction: FORWARDS, fromRevision: 9n })).to.equal('');
  });

  it('$all starts with system events; a stream-prefix filter skips them, forwards and backwards', async () => {
    connected = await connect();
    const { client, double } = connected;
    await client.appendToStream('tenant-a', [event('One'), event('Two')]);
    await client.appendToStream('unrelated', event('Noise'));
    await client.appendToStream('tenant-b', event('Three'));

    const everything: Array<{ stream: string; position: Position }> = [];
    for await (const { event: recorded } of client.readAll()) everything.push({ stream: recorded!.streamId, position: recorded!.position });
    expect(everything.filter((e) => e.stream.startsWith('$')).length).to.be.greaterThan(0);
    // A node hides its epoch records from $all even without a filter.
    expect(everything.map((e) => e.stream)).not.to.include('$epoch-information');
    expect(everything.slice(-4).map((e) => e.stream)).to.deep.equal(['tenant-a', 'tenant-a', 'unrelated', 'tenant-b']);
    for (let i = 1; i < everything.length; i++) expect(compare(everything[i - 1]!.position, everything[i]!.position)).to.equal(-1);

    const forwards = await readAllFiltered(double, { prefixes: ['tenant-'], backwards: false, from: 'start', maxCount: 100 });
    expect(forwards.map((e) => `${e.stream}/${e.type}`)).to.deep.equal(['tenant-a/One', 'tenant-a/Two', 'tenant-b/Three']);
    const backwards = await readAllFiltered(double, { prefixes: ['tenant-'], backwards: true, from: 'end', maxCount: 2 });
    expect(backwards.map((e) => `${e.stream}/${e.type}`)).to.deep.equal(['tenant-b/Three', 'tenant-a/Two']);
    const systemOnly = await readAllFiltered(double, { prefixes: ['$'], backwards: false, from: 'start', maxCount: 100 });
    expect(systemOnly.length).to.be.greaterThan(0);
    expect(systemOnly.map((e) => e.stream)).not.to.include('$epoch-information');
  });

  it('$all from a position: forwards includes the event there, backwards starts before it', async () => {
    connected = await connect();
    const { client } = connected;
    await client.appendToStream('p', ['a', 'b', 'c'].map((type) => event(type)));
    const all: Array<{ type: string; position: Position }> = [];
    for await (const { event: recorded } of client.readAll({ fromPosition: START })) {
      if (recorded!.streamId === 'p') all.push({ type: recorded!.type, position: recorded!.position });
    }
    const middle = all[1]!.position;
    const types = async (options: Parameters<typeof client.readAll>[0]) => {
      const found: string[] = [];
      for await (const { event: recorded } of client.readAll(options)) if (recorded!.streamId === 'p') found.push(recorded!.type);
      return found.join('');
    };

    expect(await types({ fromPosition: middle })).to.equal('bc');
    expect(await types({ fromPosition: middle, direction: BACKWARDS })).to.equal('a');
    expect(await types({ fromPosition: END })).to.equal('');
    expect(await types({ fromPosition: END, direction: BACKWARDS, maxCount: 2 })).to.equal('cb');
  });

  it('resolves links when asked, as the server does for the system link in $users', async () => {
    connected = await connect();
    // Read to the end: leaving a client's read early leaves its gRPC stream unfinished.
    const first = async (resolveLinkTos: boolean) => {
      const all = [];
      for await (const resolved of connected!.client.readStream('$users', { resolveLinkTos })) all.push(resolved);
      return all[0];
    };
    const unresolved = await first(false);
    const resolved = await first(true);

    expect(unresolved!.event!.type).to.equal('$>');
    expect(resolved!.link!.type).to.equal('$>');
    expect([resolved!.event!.streamId, resolved!.event!.revision]).to.deep.equal(['$user-admin', 0n]);
  });

  it('refuses to read $all from a position inside a record, as the server does', async () => {
    connected = await connect();
    const { client } = connected;
    const { position } = await client.appendToStream('q', [event('a'), event('b')]);
    const inside = { commit: position!.commit - 1n, prepare: position!.commit - 1n };
    const error = await (async () => {
      for await (const _ of client.readAll({ fromPosition: inside })) return undefined;
    })().then(
      () => undefined,
      (e: unknown) => e as Error,
    );
    expect(error?.message).to.contain('Trying to read from an invalid position.');
  });
});
