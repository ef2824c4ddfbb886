import { expect } from 'chai';
import { connectEsdb } from '../../../../adapters/eventstore/esdb/client.ts';
import type { EventStore, ExpectedRevision } from '../../../../domain/ports/event-store.ts';
import { startEsdbDouble, type EsdbDouble } from '../../../../scripts/esdb-double/server.ts';
import { newEvent, rejection, uniqueName } from '../../../contract/event-store-helpers.ts';
import { openEsdbTestDatabase, type EsdbTestDatabase } from './esdb-test-store.ts';

/** Events appended one call each, enough to push earlier ids out of a cache of CACHE ids. */
const CACHE = 4;

/**
 * Stripe redelivers for days; EventStoreDB recognises a repeated event id only while it is in its
 * bounded cache of recent ids, and only within the same stream. The port's promise (an id is
 * stored once per category, whatever the expected revision) is kept by the adapter's index: shown
 * on the wire double with a cache of a few ids, and across a server restart (which empties it).
 */
describe('esdb event store: redeliveries beyond what the server remembers', function () {
  this.timeout(60_000);
  let double: EsdbDouble;
  let db: EsdbTestDatabase;
  let store: EventStore;

  beforeEach(async () => {
    double = await startEsdbDouble({ idempotencyCacheSize: CACHE });
    db = await openEsdbTestDatabase();
    store = db.store(double.connectionString, { appendDeadlineMs: 500, claimInDoubtMs: 1_500, claimWaitMs: 5_000 });
  });

  afterEach(async () => {
    await db?.close();
    await double?.stop();
  });

  async function pushOutOfServerMemory(category: string): Promise<void> {
    for (let i = 0; i < CACHE * 2; i++) await store.append(`${category}-filler${i}`, [newEvent('filler')]);
  }

  it('the server alone stores a forgotten id again (what the index is for)', async () => {
    const category = uniqueName('tenant');
    const event = newEvent('invoice.paid');
    await store.append(`${category}-a`, [event]);
    await pushOutOfServerMemory(category);
    const direct = connectEsdb(double.connectionString);
    try {
      await direct.append(`${category}-a`, [event], 'any', 5_000);
    } finally {
      await direct.close();
    }
    expect((await store.readStream(`${category}-a`)).map((e) => e.id)).to.deep.equal([event.id, event.id]);
  });

  it('a redelivery after the server forgot the id is a duplicate, whatever the expected revision and stream of the category', async () => {
    const category = uniqueName('tenant');
    const event = newEvent('invoice.paid');
    const later = newEvent('invoice.paid');
    await store.append(`${category}-a`, [event, later]);
    await pushOutOfServerMemory(category);

    const attempts: [string, ExpectedRevision][] = [
      [`${category}-a`, 'any'],
      [`${category}-a`, 'stream_exists'],
      [`${category}-a`, 1n],
      [`${category}-a`, 0n],
      [`${category}-b`, 'no_stream'],
      [`${category}-b`, 'any'],
    ];
    for (const [stream, expectedRevision] of attempts) {
      const result = await store.append(stream, [event], { expectedRevision });
      expect(result.appended, `${stream} ${String(expectedRevision)}`).to.deep.equal([]);
      expect(result.duplicates, `${stream} ${String(expectedRevision)}`).to.deep.equal([event.id]);
    }
    const mixed = newEvent('invoice.paid');
    expect(await store.append(`${category}-a`, [mixed, event], { expectedRevision: 1n })).to.deep.equal({
      nextRevision: 2n,
      appended: [mixed.id],
      duplicates: [event.id],
    });
    expect((await store.readStream(`${category}-a`)).map((e) => e.id)).to.deep.equal([event.id, later.id, mixed.id]);
    expect(await store.readStream(`${category}-b`)).to.deep.equal([]);
  });

  it('is still a duplicate after a server restart, and an append lost to the restart is stored once when redelivered', async () => {
    const category = uniqueName('tenant');
    const stored = newEvent('invoice.paid');
    const lost = newEvent('invoice.paid');
    await store.append(`${category}-a`, [stored]);

    const { port, state } = double;
    await double.stop();
    // Refused while the server is down: the outcome is unknown to the store, its claim pending.
    await rejection(store.append(`${category}-a`, [lost]));
    expect((await db.claims(lost.id)).map((claim) => claim.state)).to.deep.equal(['pending']);
    double = await startEsdbDouble({ port, state, idempotencyCacheSize: CACHE });

    expect((await store.append(`${category}-a`, [stored])).duplicates).to.deep.equal([stored.id]);
    // Stripe's retry: the store finds the lost append absent from the log once its claim is
    // older than claimInDoubtMs, and appends it.
    expect(await store.append(`${category}-a`, [lost])).to.deep.equal({ nextRevision: 1n, appended: [lost.id], duplicates: [] });
    expect((await store.append(`${category}-b`, [lost])).duplicates).to.deep.equal([lost.id]);
    expect((await store.readStream(`${category}-a`)).map((e) => e.id)).to.deep.equal([stored.id, lost.id]);
  });
});
