import { expect } from 'chai';
import type { Projection, ProjectedEvent, ProjectionContext, ProjectionDb } from '../../projections/projection.ts';

/**
 * A projection case on a real database, in DESIGN.md's words: *given* these events already
 * applied, *when* these arrive, *then* these rows, and the same rows when the *when* events are
 * delivered twice. Each applies as a batch of its own, in a transaction, as the runner does.
 */
export async function projectionSpec<Row>(
  db: ProjectionDb,
  projection: Projection,
  context: ProjectionContext,
  spec: { given: readonly ProjectedEvent[]; when: readonly ProjectedEvent[]; rows: () => Promise<Row[]>; then: (rows: Row[]) => void },
): Promise<void> {
  const apply = (events: readonly ProjectedEvent[]) => db.transaction().execute((trx) => projection.applyBatch(trx, events, context));
  if (spec.given.length) await apply(spec.given);
  await apply(spec.when);
  const once = await spec.rows();
  spec.then(once);
  await apply(spec.when);
  expect(await spec.rows(), 'the same rows after the events are delivered again, in a later batch').to.deep.equal(once);
  await apply([...spec.when, ...spec.when]);
  expect(await spec.rows(), 'the same rows after the events are delivered twice in one batch').to.deep.equal(once);
}
