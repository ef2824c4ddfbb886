import { sql } from 'kysely';
import type { AnyDb, AnyTransaction } from './database.ts';

/**
 * Runs work that is legitimately long (a migration, a rebuild) in a transaction whose statements
 * may take as long as they need, and which may sit idle between them: `SET LOCAL` lifts the
 * connection's statement and idle-in-transaction timeouts for this transaction only, so the
 * connection goes back to the pool with them in force. `waitForLocks` also lifts the lock
 * timeout, for work that must queue behind another instance doing the same (the migration lock).
 * Given a transaction already open, it lifts them there.
 */
export async function withoutStatementTimeout<T>(
  db: AnyDb,
  work: (trx: AnyTransaction) => Promise<T>,
  options: { waitForLocks?: boolean } = {},
): Promise<T> {
  const run = async (trx: AnyTransaction) => {
    await sql`SET LOCAL statement_timeout = 0`.execute(trx);
    await sql`SET LOCAL idle_in_transaction_session_timeout = 0`.execute(trx);
    if (options.waitForLocks) await sql`SET LOCAL lock_timeout = 0`.execute(trx);
    return work(trx);
  };
  return db.isTransaction ? run(db as AnyTransaction) : db.transaction().execute(run);
}
