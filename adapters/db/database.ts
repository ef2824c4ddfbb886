import pg from 'pg';
import { Kysely, PostgresDialect, type Transaction } from 'kysely';
import { OperatorError } from '../../domain/operator-error.ts';
import { describeDatabaseError, type DatabaseFailure } from './database-errors.ts';
import { startEmbeddedPostgres, type EmbeddedPostgres } from './embedded-postgres.ts';
import { createPool, DEFAULT_DATABASE_TIMEOUTS, type DatabaseTimeouts } from './pool.ts';

// Stream positions and money in minor units are bigint columns: read them as bigint, never as
// a lossy number or a string that arithmetic would concatenate.
pg.types.setTypeParser(pg.types.builtins.INT8, (value) => BigInt(value));

/** Kysely over no declared tables: each module adds its own with `db.withTables<T>()`. */
// eslint-disable-next-line @typescript-eslint/no-empty-object-type
export type AnyDb = Kysely<{}>;
// eslint-disable-next-line @typescript-eslint/no-empty-object-type
export type AnyTransaction = Transaction<{}>;

export interface Database {
  readonly pool: pg.Pool;
  readonly db: AnyDb;
  /** `postgres` for a server named by DATABASE_URL, `embedded` for PGlite in DATA_DIR. */
  readonly kind: 'postgres' | 'embedded';
  /** Where the data lives, for messages (never includes a password). */
  readonly description: string;
  close(): Promise<void>;
}

/** Connections to a Postgres server: the leases' and the workers' own, and room for requests. */
export const DEFAULT_POOL_SIZE = 30;

export interface DatabaseOptions {
  /** A Postgres server; when absent the embedded store is started. */
  readonly databaseUrl?: string | undefined;
  /** Embedded store directory; null keeps the embedded store in memory (tests). */
  readonly dataDir: string | null;
  /** Which command opens the store, shown to a second process that finds it locked. */
  readonly command: string;
  readonly poolSize?: number;
  /** Statement, lock, idle-in-transaction and connect timeouts (default: DEFAULT_DATABASE_TIMEOUTS). */
  readonly timeouts?: DatabaseTimeouts | undefined;
  /** Told (for a warning) when one of the pool's connections fails; it is replaced on demand. */
  readonly onConnectionError?: ((failure: DatabaseFailure) => void) | undefined;
}

/** The database named by DATABASE_URL does not answer at start: nothing else can work. */
export class DatabaseUnavailableError extends OperatorError {
  override readonly name = 'DatabaseUnavailableError';
}

function describeUrl(url: string): string {
  try {
    const parsed = new URL(url);
    parsed.password = parsed.password ? '***' : '';
    return parsed.toString();
  } catch {
    return 'postgres (unparseable DATABASE_URL)';
  }
}

export async function openDatabase(options: DatabaseOptions): Promise<Database> {
  let embedded: EmbeddedPostgres | undefined;
  let url = options.databaseUrl;
  if (!url) {
    embedded = await startEmbeddedPostgres({ dataDir: options.dataDir, command: options.command });
    url = embedded.url;
  }
  // The embedded server multiplexes connections by TCP chunk, not by protocol message cycle:
  // two connections' extended-protocol messages (Parse/Bind/Execute) can interleave and bind one
  // query's parameters to another's statement. One connection keeps every query whole; PGlite
  // runs one query at a time anyway.
  // On a server, each lease (one per projection, the process manager's) holds a connection of the
  // pool for as long as its worker runs, and a worker rebuilding under its lease needs more: with
  // eight read models a pool of 10 left too few, and an upgrade's rebuilds waited on each other.
  const max = embedded ? 1 : (options.poolSize ?? DEFAULT_POOL_SIZE);
  // PGlite ignores the timeouts (its socket server drops startup parameters, and a SET one
  // never fires: WebAssembly Postgres has no timer signals). They matter less there: one
  // process, one connection, so no other session can hold a lock or sit idle in a
  // transaction; what bounds a wait is the pool's connect timeout, for that one connection.
  const pool = createPool({ url, max, timeouts: options.timeouts ?? DEFAULT_DATABASE_TIMEOUTS, onConnectionError: options.onConnectionError });
  const description = embedded ? `embedded store in ${options.dataDir ?? 'memory'}` : describeUrl(url);
  if (!embedded) {
    try {
      await pool.query('select 1');
    } catch (error) {
      await pool.end().catch(() => {});
      const { kind, reason } = describeDatabaseError(error);
      throw new DatabaseUnavailableError(`Cannot use the database ${description}: ${kind === 'other' ? (error as Error).message : reason}`);
    }
  }
  const db: AnyDb = new Kysely({ dialect: new PostgresDialect({ pool }) });
  let closed = false;
  return {
    pool,
    db,
    kind: embedded ? 'embedded' : 'postgres',
    description,
    async close() {
      if (closed) return;
      closed = true;
      await db.destroy();
      await embedded?.stop();
    },
  };
}
