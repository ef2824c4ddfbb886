import { expect } from 'chai';
import { randomUUID } from 'node:crypto';
import pg from 'pg';
import { createAdvisoryLeases } from '../../adapters/db/advisory-lease.ts';
import { OperatorError } from '../../domain/operator-error.ts';
import { testStoreKind } from '../support/database.ts';
import { seedLog } from './support/seed-log.ts';
import { copy, countInStreams, emptySide, expectSameStreams, freshSide, readWholeLog, settledLog, type CopySide } from './support/stores.ts';

/*
 * `ledger streams copy` between two real stores (two Postgres-adapter databases: the copy only
 * uses the event-store port, so this is what it does between any two adapters).
 */
describe(`streams copy between two stores (${testStoreKind})`, function () {
  this.timeout(120_000);
  const EVENTS = 600;
  let source: CopySide;
  let target: CopySide;
  let sourceStreams: string[];
  let streamCount: number;

  // The source is read-only for every test here; each test copies into an empty target.
  before(async () => {
    source = await freshSide();
    target = await freshSide();
    const seeded = await seedLog(source.store, { events: EVENTS });
    expect(seeded.events).to.equal(EVENTS);
    sourceStreams = [...new Set((await settledLog(source.store, EVENTS)).map((e) => e.streamName))];
    streamCount = sourceStreams.length;
  });
  after(async () => {
    await source?.close();
    await target?.close();
  });
  beforeEach(() => emptySide(target));

  const summaryOf = (run: { summary: Record<string, unknown> }) => run.summary as Record<string, unknown> & { verified?: { streams: number; events: number; equal: boolean; mismatches: { stream: string; problem: string }[] } };

  it('copies every stream with its ids, types, data, metadata and revisions, showing progress, and verifies them equal', async () => {
    const run = await copy(source, target);
    expect(run.status, run.lines.join('\n')).to.equal('equal');
    const summary = summaryOf(run);
    expect(summary).to.include({ copied: EVENTS, alreadyInTarget: 0, eventsRead: EVENTS, streams: streamCount, resumedFrom: null });
    expect(summary.verified).to.deep.equal({ streams: streamCount, events: EVENTS, equal: true, mismatches: [] });
    await expectSameStreams(source.store, target.store, EVENTS);

    // One line per page of 50, counting up to the total the source reported, then the verdict.
    const progress = run.lines.filter((line) => /^streams copy: [\d,]+\/[\d,]+ events/.test(line));
    expect(progress.length).to.be.at.least(EVENTS / 50);
    expect(progress.at(-1)).to.match(new RegExp(`^streams copy: ${EVENTS}/${EVENTS} events \\(100%\\): ${EVENTS} copied, 0 already in the target, ${streamCount} streams, [\\d,]+ events/s$`));
    expect(run.lines.at(-1)).to.equal(`streams copy: verified ${streamCount} streams, ${EVENTS} events: every count and checksum equal`);
  });

  it('copies nothing when run again, and still verifies', async () => {
    const first = await copy(source, target);
    expect(first.status).to.equal('equal');
    const second = await copy(source, target);
    expect(second.status).to.equal('equal');
    expect(summaryOf(second)).to.include({ copied: 0, alreadyInTarget: 0 });
    expect(summaryOf(second).resumedFrom).to.deep.equal(summaryOf(first).position);
    expect(summaryOf(second).verified).to.include({ streams: streamCount, events: EVENTS, equal: true });
    expect(await countInStreams(target.store, sourceStreams)).to.equal(EVENTS);
  });

  it('resumes where an interrupted copy stopped, and ends equal', async () => {
    const stop = new AbortController();
    let pages = 0;
    const interrupted = await copy(source, target, {
      signal: stop.signal,
      writeLine: () => {
        if (++pages === 3) stop.abort();
      },
    });
    expect(interrupted.status).to.equal('interrupted');
    expect(summaryOf(interrupted)).to.include({ copied: 150, eventsRead: 150 });
    expect(summaryOf(interrupted).verified).to.equal(undefined);
    expect(interrupted.lines.at(-1)).to.match(/interrupted; its position is saved/);
    expect(await countInStreams(target.store, sourceStreams)).to.equal(150);

    const resumed = await copy(source, target);
    expect(resumed.status).to.equal('equal');
    expect(summaryOf(resumed)).to.include({ copied: EVENTS - 150, alreadyInTarget: 0, eventsRead: EVENTS });
    expect(summaryOf(resumed).resumedFrom).to.deep.equal(summaryOf(interrupted).position);
    await expectSameStreams(source.store, target.store, EVENTS);
  });

  it('recognises events an earlier run appended but did not record (re-read pages, other page sizes)', async () => {
    const stop = new AbortController();
    let pages = 0;
    await copy(source, target, { pageSize: 7, signal: stop.signal, writeLine: () => void (++pages === 5 && stop.abort()) });
    expect(await countInStreams(target.store, sourceStreams)).to.equal(35);

    // From the start again in pages of 64: runs that straddle the 35 copied events are finished, not repeated.
    const restarted = await copy(source, target, { pageSize: 64, restart: true });
    expect(restarted.status, restarted.lines.join('\n')).to.equal('equal');
    expect(summaryOf(restarted)).to.include({ copied: EVENTS - 35, alreadyInTarget: 35, resumedFrom: null });
    await expectSameStreams(source.store, target.store, EVENTS);

    const again = await copy(source, target, { restart: true });
    expect(summaryOf(again)).to.include({ copied: 0, alreadyInTarget: EVENTS });
    expect(again.status).to.equal('equal');
  });

  it('stops at a target stream that holds another event, naming the stream and revision', async () => {
    const [first, second] = (await readWholeLog(source.store)).filter((e, _i, all) => e.streamName === all[0]!.streamName);
    expect(second, 'the first stream has two events').not.to.equal(undefined);
    const stream = first!.streamName;
    // The target already has the stream's first event, and something else at revision 1.
    await target.store.append(stream, [{ id: first!.id, type: first!.type, data: first!.data, metadata: first!.metadata }], { expectedRevision: 'no_stream' });
    const intruder = randomUUID();
    await target.store.append(stream, [{ id: intruder, type: 'Other', data: {} }], { expectedRevision: 0n });

    const run = await copy(source, target);
    expect(run.status).to.equal('diverged');
    expect(summaryOf(run)).to.include({ status: 'diverged', stream, revision: 1n });
    const stopped = run.lines.find((line) => line.startsWith('streams copy: stopped:'));
    expect(stopped).to.include(`stream ${stream}, revision 1`).and.to.include(intruder).and.to.include(second!.id);
    expect((await target.store.readStream(stream)).map((e) => e.id)).to.deep.equal([first!.id, intruder]);

    // Run again: the same answer, nothing written around it.
    const rerun = await copy(source, target);
    expect(rerun.status).to.equal('diverged');
    expect(summaryOf(rerun)).to.include({ stream, revision: 1n });
  });

  it('refuses a second copy between the same stores while one runs (where processes share a Postgres server)', async function () {
    if (testStoreKind !== 'postgres') this.skip(); // the embedded store belongs to one process
    const leases = createAdvisoryLeases(target.database.pool);
    let second: Promise<unknown> | undefined;
    const first = await copy(source, target, {
      leases,
      writeLine: () => {
        second ??= copy(source, target, { leases }).then(
          () => 'copied',
          (error: Error) => error,
        );
      },
    });
    expect(first.status).to.equal('equal');
    const refusal = await second;
    expect(refusal).to.be.instanceOf(OperatorError);
    expect((refusal as Error).message).to.match(/^Another "ledger streams copy" from .* is running; wait for it to finish$/);
    // Once the first has finished, the lease is free again.
    expect((await copy(source, target, { leases })).status).to.equal('equal');
  });

  it('lists the streams that differ after a copy (a target written to since, a stream only the target has)', async () => {
    expect((await copy(source, target)).status).to.equal('equal');
    const [someStream] = (await readWholeLog(source.store)).map((e) => e.streamName);
    await target.store.append(someStream!, [{ id: randomUUID(), type: 'WrittenToTheTarget', data: { by: 'someone else' } }]);
    await target.store.append('tenant-only-in-target', [{ id: randomUUID(), type: 'Other', data: {} }]);
    // A stream only the target has is found in the target's global log: wait until it shows there.
    await settledLog(target.store, EVENTS + 2);

    const run = await copy(source, target);
    expect(run.status).to.equal('differ');
    expect(summaryOf(run)).to.include({ copied: 0 });
    expect(summaryOf(run).verified!.equal).to.equal(false);
    expect(summaryOf(run).verified!.mismatches.map((m) => [m.stream, m.problem])).to.have.deep.members([
      [someStream, 'event count'],
      ['tenant-only-in-target', 'only in target'],
    ]);
    expect(run.lines).to.include(`streams copy: verified ${streamCount} streams, ${EVENTS} events: 2 streams differ:`);
    expect(run.lines.some((line) => line.startsWith(`  ${someStream}: event count (source: `))).to.equal(true);
    expect(run.lines.some((line) => line.startsWith('  tenant-only-in-target: only in target (source: absent; target: 1 event,'))).to.equal(true);
  });
});

describe(`streams copy from a source that changes (${testStoreKind})`, function () {
  this.timeout(120_000);
  let source: CopySide;
  let target: CopySide;
  before(async () => {
    source = await freshSide();
    target = await freshSide();
  });
  after(async () => {
    await source?.close();
    await target?.close();
  });
  beforeEach(async () => {
    await emptySide(source);
    await emptySide(target);
  });

  it('copies only what the source received since the last run, after the events already copied', async () => {
    await seedLog(source.store, { events: 40, seed: 7, tenants: 3 });
    await settledLog(source.store, 40);
    expect((await copy(source, target)).status).to.equal('equal');
    await seedLog(source.store, { events: 25, seed: 8, tenants: 3 });
    const [stream] = (await readWholeLog(source.store)).map((e) => e.streamName);
    await source.store.append(stream!, [{ id: randomUUID(), type: 'Later', data: { n: 1 } }]);
    await settledLog(source.store, 66);

    const run = await copy(source, target);
    expect(run.status).to.equal('equal');
    expect(run.summary).to.include({ copied: 26, alreadyInTarget: 0, eventsRead: 66 });
    await expectSameStreams(source.store, target.store, 66);
  });

  it('says how many events of the source it could not read yet (held back by an open transaction), and copies them next time', async function () {
    if (testStoreKind !== 'postgres') this.skip(); // the embedded store runs one transaction at a time
    await seedLog(source.store, { events: 10, seed: 3, tenants: 2 });
    await settledLog(source.store, 10);
    const holder = new pg.Client({ connectionString: source.database.url });
    await holder.connect();
    try {
      // A transaction with an id, open on the server: events committed after it stay out of global reads.
      await holder.query('BEGIN');
      await holder.query('SELECT pg_current_xact_id()');
      await source.store.append('unrouted', [{ id: randomUUID(), type: 'Late', data: {} }]);
      const run = await copy(source, target);
      // The target's new events are held back from its global log too; verification reads the streams.
      expect(run.status, run.lines.join('\n')).to.equal('equal');
      expect(run.summary).to.include({ copied: 10, sourceEventsAfterCopy: 1 });
      expect(run.lines.some((line) => line.startsWith('streams copy: the source has 1 event after the position copied (appended since, or held back by a transaction still open'))).to.equal(true);
    } finally {
      await holder.query('ROLLBACK').catch(() => {});
      await holder.end();
    }
    await settledLog(source.store, 11);
    const next = await copy(source, target);
    expect(next.status).to.equal('equal');
    expect(next.summary).to.include({ copied: 1, sourceEventsAfterCopy: 0 });
    await expectSameStreams(source.store, target.store, 11);
  });

  it('stops, naming the event, when the source holds one id in two streams of a category (a log from before ids were unique per category)', async () => {
    const id = randomUUID();
    const first = `tenant-${randomUUID()}`;
    const second = `tenant-${randomUUID()}`;
    await source.store.append(first, [{ id, type: 'InvoicePaid', data: { n: 1 } }]);
    // Written as an older release could have: straight into the tables, without a claim.
    await source.database.pool.query(
      `INSERT INTO events (stream_name, stream_revision, event_id, event_type, data) VALUES ($1, 0, $2, 'InvoicePaid', '{"n": 2}')`,
      [second, id],
    );
    await source.database.pool.query('INSERT INTO streams (stream_name, revision) VALUES ($1, 0)', [second]);
    await settledLog(source.store, 2);

    const run = await copy(source, target);
    expect(run.status).to.equal('diverged');
    expect(run.summary).to.include({ stream: second, revision: 0n });
    expect(String(run.summary.error)).to.include(id).and.to.include('another stream of its category already holds that id');
  });
});
