/**
 * A log to measure `ledger projections rebuild` against, run after run on the same events:
 * creates database NAME on DATABASE_URL's server, fills it as `npm run bench` fills its log
 * (synthetic deliveries through ingest, live read models at the head) and leaves it there.
 * Copy it for each run (`createdb -T NAME copy`), since a rebuild swaps tables; drop it after.
 *
 *   DATABASE_URL=postgres://postgres@127.0.0.1:5432/postgres node --import tsx scripts/fill-rebuild-log.ts NAME --events 100000
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Command } from 'commander';
import pg from 'pg';
import { exitOnMistake, positiveCount } from '../src/cli/arguments.ts';
import { loadConfig } from '../src/config.ts';
import { openLedger } from '../src/ledger.ts';
import { fillLog } from './bench/fill-log.ts';

const command = new Command('fill-rebuild-log')
  .exitOverride(exitOnMistake)
  .argument('<name>', 'the database to create')
  .option('--events <n>', 'events in the log', positiveCount, 100_000)
  .option('--tenants <n>', 'tenants the events are spread over', positiveCount, 20)
  .parse();
const [name] = command.args as [string];
const options = command.opts<{ events: number; tenants: number }>();
if (!/^\w+$/.test(name)) throw new Error(`${name}: a database name of letters, digits and _`);
const serverUrl = process.env.DATABASE_URL;
if (!serverUrl) throw new Error('DATABASE_URL must name a Postgres server');

const server = new pg.Client({ connectionString: serverUrl });
await server.connect();
await server.query(`CREATE DATABASE ${name}`);
await server.end();
const url = new URL(serverUrl);
url.pathname = `/${name}`;
const dataDir = mkdtempSync(join(tmpdir(), 'ledger-fill-'));
const ledger = await openLedger(loadConfig({ DATABASE_URL: url.toString(), DATA_DIR: dataDir, NODE_ENV: 'test', LOG_LEVEL: 'warn' }), { command: 'fill-rebuild-log' });
try {
  const tenantIds: string[] = [];
  for (let i = 0; i < options.tenants; i++) tenantIds.push((await ledger.tenants.create(`Bench ${i}`)).tenant.id);
  const started = performance.now();
  const count = await fillLog(ledger, tenantIds, 0, options.events);
  process.stderr.write(`${count} events in ${name}, ${((performance.now() - started) / 1000).toFixed(1)} s with the live read models caught up\n`);
} finally {
  await ledger.close();
  rmSync(dataDir, { recursive: true, force: true });
}
