import { mkdirSync, openSync, readFileSync, rmSync, writeSync, closeSync } from 'node:fs';
import { join } from 'node:path';

export class DataDirInUseError extends Error {
  override readonly name = 'DataDirInUseError';
  constructor(readonly dataDir: string, readonly pid: number, readonly command: string) {
    super(
      `The embedded store in ${dataDir} is in use by process ${pid} (${command}). ` +
        `Only one process may open it at a time: stop that process first (Ctrl+C or kill ${pid}) and run this again, ` +
        `or set DATABASE_URL to a Postgres server, which many processes can share.`,
    );
  }
}

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/**
 * Takes the data directory for this process. PGlite has no locking of its own: two processes
 * writing one directory would corrupt it, so the second one must be refused before it opens it.
 * A lock left by a dead process is taken over.
 */
export function lockDataDir(dataDir: string, command: string): () => void {
  mkdirSync(dataDir, { recursive: true });
  const lockFile = join(dataDir, 'ledger.lock');
  for (let attempt = 0; attempt < 2; attempt++) {
    try {
      const fd = openSync(lockFile, 'wx');
      writeSync(fd, JSON.stringify({ pid: process.pid, command }));
      closeSync(fd);
      return () => rmSync(lockFile, { force: true });
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
      let holder: { pid: number; command: string } = { pid: 0, command: 'unknown' };
      try {
        holder = JSON.parse(readFileSync(lockFile, 'utf8'));
      } catch {
        // A half-written lock file: its writer died between open and write.
      }
      if (holder.pid && holder.pid !== process.pid && isAlive(holder.pid)) {
        throw new DataDirInUseError(dataDir, holder.pid, holder.command);
      }
      rmSync(lockFile, { force: true });
    }
  }
  throw new Error(`could not take the lock on ${lockFile}`);
}
