import type pg from 'pg';
import { eventIdForStripeEvent } from '../../domain/ids.ts';
import { driveAtRate, percentile } from './drive.ts';

interface Position {
  readonly commit: bigint;
  readonly prepare: bigint;
}

const atOrAfter = (a: Position, b: Position) => a.commit > b.commit || (a.commit === b.commit && a.prepare >= b.prepare);
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

async function checkpoints(pool: pg.Pool): Promise<Map<string, Position>> {
  const { rows } = await pool.query<{ name: string; c: string; p: string }>('SELECT name, commit_position::text AS c, prepare_position::text AS p FROM projection_checkpoints');
  return new Map(rows.map((row) => [row.name, { commit: BigInt(row.c), prepare: BigInt(row.p) }]));
}

const sameCheckpoints = (a: Map<string, Position>, b: Map<string, Position>) =>
  a.size === b.size && [...a].every(([name, p]) => b.get(name)?.commit === p.commit && b.get(name)?.prepare === p.prepare);

/**
 * Waits until no checkpoint has moved for a second: the projections have worked off what the
 * ingest runs before left them (at concurrency 64 the ledger takes webhooks faster than eight
 * projections apply them), so the lag measured is of a steady load, not of that backlog.
 */
async function settled(pool: pg.Pool, limitMs = 300_000): Promise<void> {
  const deadline = performance.now() + limitMs;
  let last = await checkpoints(pool);
  for (;;) {
    await sleep(1_000);
    const now = await checkpoints(pool);
    if (sameCheckpoints(last, now)) return;
    if (performance.now() > deadline) throw new Error(`the projections were still catching up ${limitMs / 1000} s after the ingest runs`);
    last = now;
  }
}

/**
 * Append-to-read-model lag under a steady load, once the projections have caught up: `rate`
 * webhooks a second for `seconds`, each
 * timed from its 2xx (its event committed) until every projection that follows tenant streams
 * has checkpointed past the event, in the same transaction as its read-model rows. Which
 * projections follow them is seen in a warm-up second: those whose checkpoints moved. The
 * checkpoints are watched every 2 ms, which is the resolution.
 */
export async function readModelLag(pool: pg.Pool, send: (index: number) => Promise<string>, rate: number, seconds: number) {
  await settled(pool);
  const before = await checkpoints(pool);
  await driveAtRate(rate, 1, (i) => send(1_000_000 + i));
  await sleep(500);
  const after = await checkpoints(pool);
  const following = [...after].filter(([name, position]) => !before.get(name) || !atOrAfter(before.get(name)!, position)).map(([name]) => name);
  if (following.length === 0) throw new Error('no projection checkpoint moved in the warm-up second: projections not running?');

  const pending: { answeredAt: number; position: Promise<Position> }[] = [];
  const lags: number[] = [];
  let sending = true;
  let lastAnswer = performance.now();
  const watch = (async () => {
    const deadline = () => !sending && performance.now() > lastAnswer + 30_000;
    while (sending || pending.length > 0) {
      if (deadline()) throw new Error(`${pending.length} events not in the read models 30 s after their 2xx`);
      const now = await checkpoints(pool);
      const seenAt = performance.now();
      const reached = following.map((name) => now.get(name)!);
      for (let i = pending.length - 1; i >= 0; i--) {
        const position = await pending[i]!.position;
        if (reached.every((checkpoint) => atOrAfter(checkpoint, position))) {
          lags.push(seenAt - pending[i]!.answeredAt);
          pending.splice(i, 1);
        }
      }
      await sleep(2);
    }
  })();
  try {
    await driveAtRate(rate, seconds, async (i) => {
      const stripeEventId = await send(i);
      lastAnswer = performance.now();
      const position = pool
        .query<{ c: string; p: string }>('SELECT transaction_id::text AS c, global_position::text AS p FROM events WHERE event_id = $1', [eventIdForStripeEvent(stripeEventId)])
        .then(({ rows }) => ({ commit: BigInt(rows[0]!.c), prepare: BigInt(rows[0]!.p) }));
      pending.push({ answeredAt: lastAnswer, position });
    });
  } finally {
    sending = false;
    await watch;
  }
  lags.sort((a, b) => a - b);
  return { count: lags.length, p50: percentile(lags, 50), p99: percentile(lags, 99), projections: following.length };
}

/**
 * Transactions a second the database runs for an idle ledger (pg_stat_database, so every
 * statement outside a transaction block counts once), over `windowMs` after `settleMs` of quiet.
 * Backends report their counts up to 10 s late; the window is long enough for that to wash out.
 */
export async function idleTransactionsPerSecond(pool: pg.Pool, settleMs: number, windowMs: number): Promise<number> {
  const count = async () => {
    const { rows } = await pool.query<{ n: string }>('SELECT (xact_commit + xact_rollback)::text AS n FROM pg_stat_database WHERE datname = current_database()');
    return Number(rows[0]!.n);
  };
  await sleep(settleMs);
  const first = await count();
  await sleep(windowMs);
  // Less our own second count.
  return (await count() - first - 1) / (windowMs / 1000);
}
