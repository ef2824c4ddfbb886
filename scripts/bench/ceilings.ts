import type pg from 'pg';
import { drive, type Driven } from './drive.ts';

/**
 * The database's ceilings for the ledger's write, on the same database and in the same run:
 * (a) each body inserted as JSONB in a transaction of its own, `concurrency` at once, one
 * connection each (autocommit: one round trip, one commit each); (b) the same rows in multi-row
 * inserts of `batch` rows. Into a table of their own, dropped afterwards.
 */
export async function insertCeilings(pool: pg.Pool, bodies: readonly string[], concurrency: number, batch = 100): Promise<{ single: Driven; batched: Driven }> {
  await pool.query('CREATE TABLE IF NOT EXISTS bench_ceiling (id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY, body jsonb NOT NULL)');
  try {
    const single = await drive(bodies.length, concurrency, (i) => pool.query('INSERT INTO bench_ceiling (body) VALUES ($1::jsonb)', [bodies[i]]));
    const batches = Math.ceil(bodies.length / batch);
    const perBatch = await drive(batches, Math.min(concurrency, 4), (i) =>
      pool.query('INSERT INTO bench_ceiling (body) SELECT b::jsonb FROM unnest($1::text[]) AS b', [bodies.slice(i * batch, (i + 1) * batch)]),
    );
    const batched = { ...perBatch, count: bodies.length, perSecond: perBatch.perSecond * batch };
    return { single, batched };
  } finally {
    await pool.query('DROP TABLE IF EXISTS bench_ceiling');
  }
}
