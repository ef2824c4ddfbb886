import { randomBytes } from 'node:crypto';
import { linkSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { OperatorError } from '../../domain/operator-error.ts';

export class DataDirInUseError extends OperatorError {
  override readonly name = 'DataDirInUseError';
  readonly dataDir: string;
  readonly pid: number;
  readonly command: string;
  constructor(dataDir: string, pid: number, command: string) {
    super(
      `The embedded store in ${dataDir} is in use by process ${pid} (${command}). ` +
        `Only one process may open it at a time: stop that process first (Ctrl+C or kill ${pid}) and run this again, ` +
        `or set DATABASE_URL to a Postgres server, which many processes can share.`,
    );
    this.dataDir = dataDir;
    this.pid = pid;
    this.command = command;
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
  const mine = JSON.stringify({ pid: process.pid, command });
  // The lock appears whole or not at all: it is written aside, then hard-linked into place
  // (which fails if a lock exists), so no process ever reads a half-written one.
  const draft = `${lockFile}.${process.pid}.${randomBytes(4).toString('hex')}`;
  writeFileSync(draft, mine);
  try {
    for (let attempt = 0; attempt < 2; attempt++) {
      try {
        linkSync(draft, lockFile);
        return () => {
          if (readHolder(lockFile)?.pid === process.pid) rmSync(lockFile, { force: true });
        };
      } catch (error) {
        if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
        const holder = readHolder(lockFile);
        if (holder && holder.pid !== process.pid && isAlive(holder.pid)) {
          throw new DataDirInUseError(dataDir, holder.pid, holder.command);
        }
        // Left by a process that is gone: take it over.
        rmSync(lockFile, { force: true });
      }
    }
  } finally {
    rmSync(draft, { force: true });
  }
  throw new Error(`could not take the lock on ${lockFile}`);
}

function readHolder(lockFile: string): { pid: number; command: string } | null {
  try {
    const holder = JSON.parse(readFileSync(lockFile, 'utf8'));
    return typeof holder?.pid === 'number' ? holder : null;
  } catch {
    return null;
  }
}
