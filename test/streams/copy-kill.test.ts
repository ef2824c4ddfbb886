import { expect } from 'chai';
import { spawn } from 'node:child_process';
import { join } from 'node:path';
import { openDatabase, type Database } from '../../adapters/db/database.ts';
import { createScratchDatabase, type ScratchDatabase } from '../../adapters/db/scratch-database.ts';
import { testServerUrl, testStoreKind } from '../support/database.ts';
import { suiteTempDirs } from '../support/temp-dirs.ts';
import { seedLog } from './support/seed-log.ts';
import { copy, countInStreams, expectSameStreams, openSide, settledLog, type CopySide } from './support/stores.ts';
import { TS_NODE_ARGS } from '../../scripts/lib/node-args.ts';

const CHILD = new URL('./support/copy-child.ts', import.meta.url).pathname;
const EVENTS = 600;
const PAGE_SIZE = 20;

/**
 * A copy killed with SIGKILL part-way, while it appends (nothing gets to save or clean up), then
 * run again: it goes on from the last page it saved and ends with the same streams in both stores.
 */
describe(`streams copy killed with SIGKILL (${testStoreKind})`, function () {
  this.timeout(180_000);
  const tempDir = suiteTempDirs();
  const scratch: ScratchDatabase[] = [];
  let sourceStreams: string[];
  let where: { source: { databaseUrl?: string; dataDir?: string }; target: { databaseUrl?: string; dataDir?: string } };

  const openAt = (spot: { databaseUrl?: string; dataDir?: string }) =>
    openDatabase({ databaseUrl: spot.databaseUrl, dataDir: spot.dataDir ?? null, command: 'test' });

  /** Both stores opened in this process, as sides of a copy; closed by `close`. */
  async function openBoth(): Promise<{ source: CopySide; target: CopySide; close(): Promise<void> }> {
    const databases: Database[] = [];
    const sides: CopySide[] = [];
    const close = async () => {
      for (const side of sides) await side.close();
      for (const database of databases) await database.close();
    };
    try {
      for (const spot of [where.source, where.target]) {
        const database = await openAt(spot);
        databases.push(database);
        const opened = await openSide(database);
        sides.push({ ...opened, database: Object.assign(database, { url: spot.databaseUrl }) });
      }
      return { source: sides[0]!, target: sides[1]!, close };
    } catch (error) {
      await close();
      throw error;
    }
  }

  before(async () => {
    if (testServerUrl) {
      for (const prefix of ['copy_kill_source', 'copy_kill_target']) scratch.push(await createScratchDatabase(testServerUrl, prefix));
      where = { source: { databaseUrl: scratch[0]!.url }, target: { databaseUrl: scratch[1]!.url } };
    } else {
      const dir = tempDir('streams-copy-kill-');
      where = { source: { dataDir: join(dir, 'source') }, target: { dataDir: join(dir, 'target') } };
    }
    const stores = await openBoth();
    try {
      await seedLog(stores.source.store, { events: EVENTS });
      sourceStreams = [...new Set((await settledLog(stores.source.store, EVENTS)).map((e) => e.streamName))];
    } finally {
      await stores.close();
    }
  });
  after(async () => {
    for (const database of scratch) await database.drop();
  });

  it('goes on from the last page it saved and ends equal', async () => {
    const child = spawn(process.execPath, [...TS_NODE_ARGS, CHILD], {
      env: { PATH: process.env.PATH, HOME: process.env.HOME, COPY_CHILD: JSON.stringify({ ...where, pageSize: PAGE_SIZE }) },
    });
    let stderr = '';
    const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) => child.on('exit', (code, signal) => resolve({ code, signal })));
    child.stdout.resume();
    // Killed once two pages are saved and reported: the third is under way.
    await new Promise<void>((resolve, reject) => {
      child.stderr.on('data', (chunk) => {
        stderr += chunk;
        if ((stderr.match(/^streams copy: [\d,]+\/[\d,]+ events/gm) ?? []).length >= 2) {
          child.kill('SIGKILL');
          resolve();
        }
      });
      void exited.then(({ code }) => reject(new Error(`the copy ended (${code}) before it could be killed:\n${stderr}`)));
    });
    expect(await exited).to.deep.equal({ code: null, signal: 'SIGKILL' });

    const stores = await openBoth();
    try {
      const copiedBefore = await countInStreams(stores.target.store, sourceStreams);
      expect(copiedBefore).to.be.at.least(2 * PAGE_SIZE).and.below(EVENTS);

      const resumed = await copy(stores.source, stores.target, { pageSize: PAGE_SIZE });
      expect(resumed.status, resumed.lines.join('\n')).to.equal('equal');
      expect(resumed.summary.resumedFrom).not.to.equal(null);
      // Everything the killed run appended is found in the target, not appended again.
      expect((resumed.summary.copied as number) + copiedBefore).to.equal(EVENTS);
      expect(resumed.summary.eventsRead).to.equal(EVENTS);
      await expectSameStreams(stores.source.store, stores.target.store, EVENTS);
    } finally {
      await stores.close();
    }
  });
});
