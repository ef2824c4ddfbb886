import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { PGlite } from '@electric-sql/pglite';
import { PGLiteSocketServer } from '@electric-sql/pglite-socket';
import { lockDataDir } from './data-dir-lock.ts';

export interface EmbeddedPostgres {
  /** A connection string `pg` understands, pointing at the in-process server. */
  readonly url: string;
  stop(): Promise<void>;
}

// The pool uses one connection (see database.ts); a spare lets it replace a broken one.
const MAX_CONNECTIONS = 2;

/*
 * PGlite's buffer pool lives in its WebAssembly memory, which the process keeps resident: the
 * server default (128 MB) was most of an idle ledger's footprint. Its files are ordinary files,
 * cached by the operating system, so a small pool costs little; measured in README, "Memory".
 */
const SETTINGS = ['shared_buffers = 16MB', 'wal_buffers = 1MB', 'maintenance_work_mem = 16MB'];

/**
 * PGlite persisted in `dataDir` (or in memory when `dataDir` is null), served on a loopback
 * port so that `pg` and Kysely run exactly as they do against a Postgres server.
 */
export async function startEmbeddedPostgres(options: { dataDir: string | null; command: string }): Promise<EmbeddedPostgres> {
  const release = options.dataDir ? lockDataDir(options.dataDir, options.command) : () => {};
  try {
    let pgDir: string | undefined;
    if (options.dataDir) {
      pgDir = join(options.dataDir, 'pglite');
      mkdirSync(pgDir, { recursive: true });
    }
    const db = await PGlite.create(pgDir, { postgresqlconf: SETTINGS });
    const server = new PGLiteSocketServer({ db, host: '127.0.0.1', port: 0, maxConnections: MAX_CONNECTIONS });
    await server.start();
    const address = server.getServerConn();
    return {
      url: `postgres://postgres@${address}/postgres?sslmode=disable`,
      async stop() {
        try {
          await server.stop();
          await db.close();
        } finally {
          release();
        }
      },
    };
  } catch (error) {
    release();
    throw error;
  }
}
