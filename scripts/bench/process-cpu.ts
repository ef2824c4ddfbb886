import { readFileSync } from 'node:fs';
import pg from 'pg';

/** Linux reports process CPU in clock ticks; 100 a second on every kernel Node supports here. */
const TICKS_PER_SECOND = 100;

/** CPU seconds (user + system) of one process, from /proc; 0 once it is gone. */
export function cpuSecondsOf(pid: number): number {
  try {
    const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1]!.split(' ');
    return (Number(fields[11]) + Number(fields[12])) / TICKS_PER_SECOND;
  } catch {
    return 0;
  }
}

/**
 * The Postgres processes that work for this run: the backends connected to its scratch database
 * and the server's writers (WAL, checkpoints), not other databases' sessions on a shared server.
 */
export async function postgresPids(databaseUrl: string | undefined): Promise<number[]> {
  if (!databaseUrl) return [];
  const client = new pg.Client({ connectionString: databaseUrl });
  await client.connect();
  try {
    const { rows } = await client.query<{ pid: number }>(
      `SELECT pid FROM pg_stat_activity
        WHERE (datname = current_database() AND pid <> pg_backend_pid()) OR backend_type IN ('walwriter', 'checkpointer', 'background writer')`,
    );
    return rows.map((row) => row.pid);
  } finally {
    await client.end();
  }
}

export const cpuSecondsOfAll = (pids: readonly number[]) => new Map(pids.map((pid) => [pid, cpuSecondsOf(pid)]));

/**
 * The CPU the Postgres server spends for this database while something runs: sampled every
 * 250 ms, so backends that connect meanwhile (a child process's pool) are counted from their
 * start, and the server's writers from when watching began.
 */
export function watchPostgresCpu(databaseUrl: string | undefined): { stop(): Promise<number> } {
  const baseline = new Map<number, number>();
  const latest = new Map<number, number>();
  let first = true;
  const sample = async () => {
    for (const pid of await postgresPids(databaseUrl)) {
      const seconds = cpuSecondsOf(pid);
      if (first) baseline.set(pid, seconds);
      if (seconds > 0) latest.set(pid, seconds);
    }
    first = false;
  };
  let running = sample();
  const timer = setInterval(() => {
    running = running.then(sample, sample);
  }, 250);
  return {
    async stop() {
      clearInterval(timer);
      await running.catch(() => {});
      await sample().catch(() => {});
      let total = 0;
      for (const [pid, seconds] of latest) total += Math.max(0, seconds - (baseline.get(pid) ?? 0));
      return total;
    },
  };
}
