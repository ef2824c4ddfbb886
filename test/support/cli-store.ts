import { createScratchDatabase, type ScratchDatabase } from '../../adapters/db/scratch-database.ts';
import { testServerUrl } from './database.ts';
import { suiteTempDirs } from './temp-dirs.ts';

/**
 * Mocha hooks giving the suite they are called in (inside a `describe`) a store of its own for
 * `ledger` child processes: a data directory, and with TEST_DATABASE_URL a scratch database on
 * that server, both removed after the suite. Returns the environment a command runs with on it
 * (available once the suite's `before` hooks have run).
 */
export function suiteCliStore(prefix: string, env: NodeJS.ProcessEnv): () => NodeJS.ProcessEnv {
  const tempDir = suiteTempDirs();
  let storeEnv: NodeJS.ProcessEnv | undefined;
  let scratch: ScratchDatabase | undefined;
  before(async () => {
    storeEnv = { PATH: process.env.PATH, HOME: process.env.HOME, ...env, DATA_DIR: tempDir(`${prefix}-`) };
    if (testServerUrl) {
      scratch = await createScratchDatabase(testServerUrl, prefix.replaceAll('-', '_'));
      storeEnv.DATABASE_URL = scratch.url;
    }
  });
  after(async () => {
    await scratch?.drop();
  });
  return () => {
    if (!storeEnv) throw new Error('the store is made in a before hook: use it in a test or a later hook');
    return storeEnv;
  };
}
