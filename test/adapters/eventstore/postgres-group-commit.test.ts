import { expect } from 'chai';
import { randomUUID } from 'node:crypto';
import { WrongExpectedRevisionError, type AppendResult, type EventStore } from '../../../domain/ports/event-store.ts';
import { createPostgresEventStore } from '../../../adapters/eventstore/postgres.ts';
import { migrateDatabase } from '../../../adapters/db/migrate.ts';
import { freshDatabase, type TestDatabase } from '../../support/database.ts';
import { newEvent } from '../../contract/event-store-helpers.ts';

/**
 * Group commit: appends arriving together share one transaction. Each must still get exactly
 * what an append alone gets: stored once, in stream order, answered after its commit, and its
 * own duplicate or conflict, never a neighbour's.
 */
const withId = (id: string) => ({ ...newEvent(), id });

describe('postgres event store: group commit', function () {
  this.timeout(60_000);
  let database: TestDatabase;
  let store: EventStore;

  before(async () => {
    database = await freshDatabase();
    await migrateDatabase(database.db);
    store = createPostgresEventStore(database.pool);
  });

  after(async () => {
    await store?.close();
    await database?.close();
  });

  const transactionsOf = async (stream: string) => {
    const { rows } = await database.pool.query<{ n: string }>('SELECT count(DISTINCT transaction_id)::text AS n FROM events WHERE stream_name LIKE $1', [stream]);
    return Number(rows[0]!.n);
  };

  /** Appends, and on the answer reads the event back on the pool: visible means committed. */
  const appendAndSee = async (stream: string, id: string) => {
    const result = await store.append(stream, [withId(id)]);
    const { rows } = await database.pool.query('SELECT 1 FROM events WHERE event_id = $1', [id]);
    return { result, committed: rows.length === 1 };
  };

  it('stores every one of many concurrent appends to one stream, in consecutive revisions, answered after commit, in fewer transactions', async () => {
    const stream = `tenant-one${randomUUID().slice(0, 8)}`;
    const ids = Array.from({ length: 120 }, () => randomUUID());
    const answers = await Promise.all(ids.map((id) => appendAndSee(stream, id)));
    expect(answers.every((answer) => answer.committed)).to.equal(true);
    expect(answers.map((answer) => answer.result.nextRevision).sort((a, b) => (a < b ? -1 : 1))).to.deep.equal(ids.map((_, i) => BigInt(i)));
    const stored = await store.readStream(stream);
    expect(stored.map((event) => event.revision)).to.deep.equal(ids.map((_, i) => BigInt(i)));
    // Each caller's revision is the one its event got.
    const revisionOf = new Map(stored.map((event) => [event.id, event.revision]));
    answers.forEach((answer, i) => expect(revisionOf.get(ids[i]!)).to.equal(answer.result.nextRevision));
    expect(await transactionsOf(stream)).to.be.below(ids.length);
  });

  it('stores concurrent appends to many streams, each stream in revision order in the global log', async () => {
    const prefix = `tenant-many${randomUUID().slice(0, 8)}`;
    const streams = Array.from({ length: 12 }, (_, i) => `${prefix}x${i}`);
    const appends = Array.from({ length: 150 }, (_, i) => ({ stream: streams[i % streams.length]!, id: randomUUID() }));
    const answers = await Promise.all(appends.map(({ stream, id }) => appendAndSee(stream, id)));
    expect(answers.every((answer) => answer.committed && answer.result.appended.length === 1)).to.equal(true);
    const all = (await store.readAll()).filter((event) => event.streamName.startsWith(prefix));
    expect(all.map((event) => event.id).sort()).to.deep.equal(appends.map((append) => append.id).sort());
    for (const stream of streams) {
      const revisions = all.filter((event) => event.streamName === stream).map((event) => event.revision);
      expect(revisions).to.deep.equal(revisions.map((_, i) => BigInt(i)));
    }
    expect(await transactionsOf(`${prefix}%`)).to.be.below(appends.length);
  });

  it('reports a duplicate in a batch to its own caller only', async () => {
    const stream = `tenant-dup${randomUUID().slice(0, 8)}`;
    const stored = randomUUID();
    await store.append(stream, [withId(stored)]);
    const others = Array.from({ length: 40 }, () => randomUUID());
    // Redelivered into another stream of the category: still a duplicate.
    const [redelivery, ...rest] = await Promise.all([
      store.append(`${stream}b`, [withId(stored)]),
      ...others.map((id) => store.append(stream, [withId(id)])),
    ]);
    expect(redelivery).to.deep.include({ appended: [], duplicates: [stored] });
    expect(rest.every((result: AppendResult, i) => result.appended[0] === others[i] && result.duplicates.length === 0)).to.equal(true);
    expect((await store.readStream(stream)).length).to.equal(41);
    expect(await store.readStream(`${stream}b`)).to.deep.equal([]);
  });

  it('fails a wrong expected revision in a batch for its own caller only, and checks expected revisions exactly', async () => {
    const stream = `tenant-rev${randomUUID().slice(0, 8)}`;
    await store.append(stream, [newEvent()]);
    const settled = await Promise.allSettled([
      store.append(stream, [newEvent()], { expectedRevision: 7n }),
      ...Array.from({ length: 30 }, () => store.append(`${stream}-${randomUUID().slice(0, 4)}`, [newEvent()])),
    ]);
    expect(settled[0]).to.have.property('status', 'rejected');
    expect((settled[0] as PromiseRejectedResult).reason).to.be.instanceOf(WrongExpectedRevisionError).and.include({ actual: 0n });
    expect(settled.slice(1).every((outcome) => outcome.status === 'fulfilled')).to.equal(true);

    // Twenty appends expecting revision 0 at once: exactly one wins, the others conflict at 1.
    const racing = await Promise.allSettled(Array.from({ length: 20 }, () => store.append(stream, [newEvent()], { expectedRevision: 0n })));
    expect(racing.filter((outcome) => outcome.status === 'fulfilled')).to.have.length(1);
    const losers = racing.filter((outcome): outcome is PromiseRejectedResult => outcome.status === 'rejected');
    expect(losers.every((loser) => loser.reason instanceof WrongExpectedRevisionError && loser.reason.actual === 1n)).to.equal(true);
    expect((await store.readStream(stream)).map((event) => event.revision)).to.deep.equal([0n, 1n]);
  });
});
