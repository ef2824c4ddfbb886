import { openDatabase, type Database } from '../../../adapters/db/database.ts';
import { loadConfig } from '../../../src/config.ts';
import { openStoreForCopy } from '../../../src/streams/open-store.ts';
import { runStreamsCopy } from '../../../src/streams/run-copy.ts';
import { printJsonLine } from '../../../src/cli/output.ts';

/*
 * `ledger streams copy` as a process of its own between two Postgres-adapter stores (the command
 * itself copies between Postgres and EventStoreDB), for a test to kill -9. COPY_CHILD names the
 * stores: {"source": {"databaseUrl"?, "dataDir"?}, "target": {...}, "pageSize": n}; progress is
 * kept in the target's database, as for a copy into the ledger's own.
 */

interface Where {
  readonly databaseUrl?: string;
  readonly dataDir?: string;
}
const spec = JSON.parse(process.env.COPY_CHILD ?? '{}') as { source: Where; target: Where; pageSize: number };
const open = (where: Where) => openDatabase({ databaseUrl: where.databaseUrl, dataDir: where.dataDir ?? null, command: 'streams copy (test child)' });

const databases: Database[] = [];
try {
  databases.push(await open(spec.source), await open(spec.target));
  const config = loadConfig({});
  const [source, target] = [await openStoreForCopy('postgres', config, databases[0]!), await openStoreForCopy('postgres', config, databases[1]!)];
  const outcome = await runStreamsCopy({
    source,
    target,
    progressDb: databases[1]!.db,
    pageSize: spec.pageSize,
    restart: false,
    progressIntervalMs: 0,
    writeLine: (line) => process.stderr.write(`${line}\n`),
  });
  printJsonLine(outcome.summary);
  await source.close();
  await target.close();
} finally {
  for (const database of databases) await database.close();
}
