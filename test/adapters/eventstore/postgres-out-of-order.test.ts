import { expect } from 'chai';
import fc from 'fast-check';
import pg from 'pg';
import { START, comparePositions, type EventStore, type GlobalPosition, type NewEvent, type RecordedEvent } from '../../../domain/ports/event-store.ts';
import { createPostgresEventStore } from '../../../adapters/eventstore/postgres.ts';
import { migrateDatabase } from '../../../adapters/db/migrate.ts';
import { freshDatabase, testStoreKind, type TestDatabase } from '../../support/database.ts';
import { collect, newEvent, sleep, uniqueName, untilVisible } from '../../contract/event-store-helpers.ts';
import { holdAppend } from './out-of-order-helpers.ts';

const idsOf = (events: readonly RecordedEvent[]) => events.map((e) => e.id);

function expectStrictlyIncreasing(events: readonly RecordedEvent[]): void {
  for (let i = 1; i < events.length; i++) {
    expect(comparePositions(events[i - 1]!.position, events[i]!.position), `position ${i} after ${i - 1}`).to.equal(-1);
  }
}

/**
 * DESIGN, "Global order in Postgres": a transaction that took a lower global position but
 * commits after a higher one must still reach every global reader, and exactly once.
 */
describe('postgres event store: global readers under out-of-order commits', function () {
  this.timeout(120_000);
  let database: TestDatabase;
  let store: EventStore;
  /** Connections of their own for transactions the test holds open. */
  let appenders: pg.Pool;

  before(async function () {
    // The embedded store runs one transaction at a time: a second connection's statements wait
    // until the open transaction ends, so commits can never overlap or come out of order there,
    // and holding one open while appending elsewhere would wait for ever. Server only.
    if (testStoreKind === 'embedded') this.skip();
    database = await freshDatabase();
    await migrateDatabase(database.db);
    store = createPostgresEventStore(database.pool);
    appenders = new pg.Pool({ connectionString: database.url, max: 24 });
    appenders.on('error', () => {});
  });

  /**
   * The newest event, once global readers see it. headPosition() alone can lag behind the
   * previous test's events (any older write transaction on the server holds the horizon back),
   * and a subscriber started from it would hand those over too.
   */
  async function settledHead(): Promise<GlobalPosition> {
    const newest = await database.pool.query<{ transaction_text: string; global_position: bigint }>(
      'SELECT transaction_id::text AS transaction_text, global_position FROM events ORDER BY transaction_id DESC, global_position DESC LIMIT 1',
    );
    const row = newest.rows[0];
    if (!row) return START;
    const position = { commit: BigInt(row.transaction_text), prepare: row.global_position };
    await untilVisible(store, position);
    return position;
  }

  after(async () => {
    await store?.close();
    await appenders?.end();
    await database?.close();
  });

  it('produces out-of-order commits: a naive reader by global_position alone would skip A', async () => {
    const run = uniqueName('naive-');
    const streams = [`${run}-a`, `${run}-b`];
    const naiveRead = async (after: bigint) =>
      (await database.pool.query<{ event_id: string; global_position: bigint }>(
        `SELECT event_id::text, global_position FROM events
          WHERE stream_name = ANY($1) AND global_position > $2 ORDER BY global_position`,
        [streams, String(after)],
      )).rows;

    const a = newEvent('ooo.a');
    const b = newEvent('ooo.b');
    const client = await appenders.connect();
    try {
      const heldA = await holdAppend(client, streams[0]!, [a]);
      await store.append(streams[1]!, [b]);
      // The naive reader sees B, and checkpoints B's sequence number.
      const seen = await naiveRead(0n);
      expect(seen.map((row) => row.event_id)).to.deep.equal([b.id]);
      const naiveCheckpoint = seen[0]!.global_position;
      await heldA.commit();

      const [recordedA] = await store.readStream(streams[0]!);
      const [recordedB] = await store.readStream(streams[1]!);
      // A took the lower sequence number and committed later...
      expect(recordedA!.position.prepare < recordedB!.position.prepare).to.equal(true);
      // ...so reading on from the naive checkpoint never returns it.
      expect(await naiveRead(naiveCheckpoint)).to.deep.equal([]);
      // The (transaction, position) order puts A before B, where a reader still finds it.
      expect(comparePositions(recordedA!.position, recordedB!.position)).to.equal(-1);
    } finally {
      client.release();
    }
  });

  it('a subscriber delivers nothing past an open transaction, then each event once, in order', async () => {
    const run = uniqueName('held-');
    const head = await settledHead();
    const filtered = collect(store, { after: head, streamPrefixes: [run] });
    const unfiltered = collect(store, { after: head });
    const [a, b, c] = [newEvent('ooo.a'), newEvent('ooo.b'), newEvent('ooo.c')];
    const client = await appenders.connect();
    try {
      const heldA = await holdAppend(client, `${run}-a`, [a!]);
      await store.append(`${run}-b`, [b!]);
      await store.append(`${run}-c`, [c!]);
      // B and C are committed; A is not. Twelve poll intervals go by.
      await sleep(300);
      expect(filtered.events(), 'delivered past the open transaction').to.deep.equal([]);
      expect(unfiltered.events(), 'delivered past the open transaction').to.deep.equal([]);
      expect(await store.readAll({ after: head })).to.deep.equal([]);
      expect(await store.headPosition()).to.deep.equal(head);

      await heldA.commit();
      // Generous: another write transaction on the server also holds the horizon back.
      await filtered.waitForCount(3, 20_000);
      await unfiltered.waitForCount(3, 20_000);
      await sleep(100);
      for (const collector of [filtered, unfiltered]) {
        expect(idsOf(collector.events())).to.deep.equal([a!.id, b!.id, c!.id]);
        expectStrictlyIncreasing(collector.events());
      }
    } finally {
      client.release();
      await filtered.subscription.stop();
      await unfiltered.subscription.stop();
    }
  });

  it('random concurrent appenders: subscribers deliver exactly what was appended, in increasing position', async () => {
    let outOfOrderCommits = 0;
    const appender = fc.record({
      tenant: fc.boolean(), // false: a stream the filtered subscriber must not see
      stream: fc.integer({ min: 0, max: 3 }),
      events: fc.integer({ min: 1, max: 3 }),
      delayMs: fc.integer({ min: 0, max: 15 }),
      holdMs: fc.integer({ min: 0, max: 40 }),
    });

    await fc.assert(
      fc.asyncProperty(fc.array(appender, { minLength: 20, maxLength: 20 }), async (specs) => {
        const run = uniqueName('rnd-');
        const head = await settledHead();
        const filtered = collect(store, { after: head, streamPrefixes: [`${run}-tenant-`], batchSize: 7 });
        const unfiltered = collect(store, { after: head, batchSize: 7 });
        const committed: NewEvent[][] = [];
        try {
          const appended = await Promise.all(specs.map(async (spec) => {
            const stream = `${run}-${spec.tenant ? 'tenant' : 'noise'}-${spec.stream}`;
            const events = Array.from({ length: spec.events }, () => newEvent('ooo.random'));
            const client = await appenders.connect();
            try {
              await sleep(spec.delayMs);
              const held = await holdAppend(client, stream, events);
              await sleep(spec.holdMs);
              await held.commit();
              committed.push(events);
            } finally {
              client.release();
            }
            return { stream, events, tenant: spec.tenant };
          }));
          const all = appended.flatMap((append) => append.events.map((event) => event.id));
          const tenantOnly = appended.filter((append) => append.tenant).flatMap((append) => append.events.map((event) => event.id));
          await unfiltered.waitForCount(all.length, 20_000);
          await filtered.waitForCount(tenantOnly.length, 20_000);
          await sleep(60);

          for (const [collector, expected] of [[unfiltered, all], [filtered, tenantOnly]] as const) {
            const delivered = idsOf(collector.events());
            expect(delivered).to.have.length(expected.length); // no duplicates
            expect(new Set(delivered)).to.deep.equal(new Set(expected)); // no gaps
            expectStrictlyIncreasing(collector.events());
          }

          // Count commits that came after one with a higher sequence number: the case at stake.
          const sequence = new Map(unfiltered.events().map((event) => [event.id, event.position.prepare]));
          const commitOrder = committed.map((events) => sequence.get(events[0]!.id)!);
          commitOrder.forEach((position, i) => {
            if (commitOrder.slice(0, i).some((earlier) => earlier > position)) outOfOrderCommits += 1;
          });
        } finally {
          await filtered.subscription.stop();
          await unfiltered.subscription.stop();
        }
      }),
      { numRuns: 8, endOnFailure: true },
    );
    expect(outOfOrderCommits, 'the random runs never committed out of order: they proved nothing').to.be.above(0);
  });
});
