import { expect } from 'chai';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { DataDirInUseError } from '../../../adapters/db/data-dir-lock.ts';
import { openDatabase } from '../../../adapters/db/database.ts';
import { suiteTempDirs } from '../../support/temp-dirs.ts';

describe('embedded store (PGlite on a local socket)', function () {
  this.timeout(60_000);
  const tempDir = suiteTempDirs();

  it('keeps concurrent parameterised queries whole: each gets its own answer', async () => {
    const database = await openDatabase({ dataDir: null, command: 'test' });
    try {
      const answers = await Promise.all(
        Array.from({ length: 300 }, (_, i) => database.pool.query('select $1::int as n, $2::text as s', [i, `v${i}`]).then((r) => r.rows[0])),
      );
      expect(answers).to.deep.equal(Array.from({ length: 300 }, (_, i) => ({ n: i, s: `v${i}` })));
    } finally {
      await database.close();
    }
  });

  it('persists in DATA_DIR and refuses a second process while the first holds it', async () => {
    const dataDir = tempDir('ledger-embedded-');
    const first = await openDatabase({ dataDir, command: 'ledger serve' });
    try {
      await first.pool.query('create table kept (v int); insert into kept values (42)');
      // The lock names a live process (this one pretends to be another by its parent's pid).
      writeFileSync(join(dataDir, 'ledger.lock'), JSON.stringify({ pid: process.ppid, command: 'ledger serve' }));
      let refused: unknown;
      try {
        await openDatabase({ dataDir, command: 'ledger tenants create' });
      } catch (error) {
        refused = error;
      }
      expect(refused).to.be.instanceOf(DataDirInUseError);
      expect((refused as Error).message).to.include(`process ${process.ppid} (ledger serve)`).and.to.include('DATABASE_URL');
    } finally {
      writeFileSync(join(dataDir, 'ledger.lock'), JSON.stringify({ pid: process.pid, command: 'ledger serve' }));
      await first.close();
    }
    // A lock left by a process that died is taken over, and the data is still there.
    writeFileSync(join(dataDir, 'ledger.lock'), JSON.stringify({ pid: 2 ** 22 + 12345, command: 'crashed' }));
    const again = await openDatabase({ dataDir, command: 'ledger serve' });
    try {
      expect((await again.pool.query('select v from kept')).rows).to.deep.equal([{ v: 42 }]);
    } finally {
      await again.close();
    }
  });
});
