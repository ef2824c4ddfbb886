import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createScratchDatabase } from '../../adapters/db/scratch-database.ts';

/**
 * A store for a benchmark that never touches your read models: on DATABASE_URL's server a scratch
 * database created and dropped, embedded a temp directory.
 */
export async function scratchStore(): Promise<{ env: NodeJS.ProcessEnv; label: string; drop: () => Promise<void> }> {
  const newDataDir = () => mkdtempSync(join(tmpdir(), 'ledger-bench-'));
  const serverUrl = process.env.DATABASE_URL;
  if (!serverUrl) {
    const dataDir = newDataDir();
    return { env: { DATA_DIR: dataDir }, label: 'embedded (PGlite)', drop: async () => rmSync(dataDir, { recursive: true, force: true }) };
  }
  // The database first: if the server refuses it, no directory is left behind.
  const scratch = await createScratchDatabase(serverUrl, 'ledger_bench');
  const dataDir = newDataDir();
  return {
    env: { DATA_DIR: dataDir, DATABASE_URL: scratch.url },
    label: `PostgreSQL server (${new URL(serverUrl).host})`,
    drop: async () => {
      await scratch.drop();
      rmSync(dataDir, { recursive: true, force: true });
    },
  };
}

