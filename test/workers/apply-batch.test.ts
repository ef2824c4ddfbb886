import { expect } from 'chai';
import { migrateDatabase } from '../../adapters/db/migrate.ts';
import { START } from '../../domain/ports/event-store.ts';
import type { ProjectedEvent, Projection } from '../../projections/projection.ts';
import { applyBatch, liveTarget } from '../../src/workers/apply-batch.ts';
import { readCheckpoint } from '../../src/workers/checkpoints.ts';
import { freshDatabase, type TestDatabase } from '../support/database.ts';
import { invoicePaid, recorded } from '../support/domain-events.ts';

describe('applyBatch', function () {
  let database: TestDatabase;
  before(async () => {
    database = await freshDatabase();
    await migrateDatabase(database.db);
  });
  after(() => database.close());

  /** A projection that handles invoice.paid only and remembers what it was handed. */
  function probe(name: string): { projection: Projection; seen: ProjectedEvent[] } {
    const seen: ProjectedEvent[] = [];
    const projection: Projection = {
      name,
      version: 1,
      streamPrefixes: ['tenant-'],
      tables: [],
      eventTypes: new Set(['InvoicePaid']),
      createTables: async () => {},
      createIndexes: async () => {},
      applyBatch: async (_db, events) => void seen.push(...events),
    };
    return { projection, seen };
  }

  const paid = recorded(invoicePaid({ id: 'in_1' }), { id: '00000000-0000-5000-8000-000000000001', stream: 'tenant-x', revision: 1n }).recorded;

  it('hands a projection only the types it handles, parsed, and counts every event on the checkpoint', async () => {
    const { projection, seen } = probe('probe-types');
    // Not a valid CustomerUpdated: skipped without parsing, it cannot fail the batch.
    const other = { ...paid, id: '00000000-0000-5000-8000-000000000002', type: 'CustomerUpdated', data: { nonsense: true }, position: { commit: 1n, prepare: 2n } };
    await applyBatch(database.db, liveTarget(projection, { planIdForPrice: () => null }), START, [paid, other]);
    expect(seen.map((e) => [e.recorded.id, e.event.type])).to.deep.equal([[paid.id, 'InvoicePaid']]);
    const checkpoint = await readCheckpoint(database.db, projection.name);
    expect(checkpoint).to.include({ eventsApplied: 2n });
    expect(checkpoint.position).to.deep.equal({ commit: 1n, prepare: 2n });
  });

  it('fails the whole batch on a type the catalogue does not know, moving nothing', async () => {
    const { projection, seen } = probe('probe-unknown');
    const unknown = { ...paid, id: '00000000-0000-5000-8000-000000000003', type: 'InvoiceTeleported', position: { commit: 1n, prepare: 2n } };
    const target = liveTarget(projection, { planIdForPrice: () => null });
    let failure: unknown;
    await applyBatch(database.db, target, START, [paid, unknown]).catch((error: unknown) => (failure = error));
    expect(String(failure)).to.match(/unknown domain event type "InvoiceTeleported"/);
    expect(seen).to.deep.equal([]);
    expect((await readCheckpoint(database.db, projection.name)).position).to.deep.equal(START);
  });
});
