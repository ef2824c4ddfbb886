import { sql } from 'kysely';
import type { Database } from '../../adapters/db/database.ts';
import { OperatorError } from '../../domain/operator-error.ts';
import { FINANCE_TABLES } from '../../projections/finance-tables.ts';

/** A role name that needs no quoting and is none of Postgres's own. */
export const READONLY_ROLE_NAME = /^(?!pg_)[a-z_][a-z0-9_]{0,62}$/;

/**
 * Creates `role` (NOLOGIN: give a login role membership, `CREATE ROLE metabase LOGIN PASSWORD '…'
 * IN ROLE <role>`) if it does not exist, and leaves it able to SELECT the finance tables and
 * nothing else in the schema: whatever it was granted before there is revoked first, so running it
 * again is harmless and converges. Returns whether the role was created.
 */
export async function grantFinanceReadonly(database: Database, role: string): Promise<{ created: boolean; tables: readonly string[] }> {
  if (database.kind === 'embedded') {
    throw new OperatorError(
      'ledger finance grant-readonly needs a Postgres server (set DATABASE_URL): the embedded store serves only the ledger itself, so a BI tool cannot connect to it with a role of its own',
    );
  }
  if (!READONLY_ROLE_NAME.test(role)) throw new OperatorError(`invalid role name ${JSON.stringify(role)}: use lower-case letters, digits and _, not starting with pg_ (at most 63)`);
  return database.db.transaction().execute(async (trx) => {
    const exists = await sql<{ n: number }>`select 1 as n from pg_roles where rolname = ${role}`.execute(trx);
    if (!exists.rows.length) await sql`create role ${sql.id(role)} nologin`.execute(trx);
    const schema = sql.id('public');
    await sql`revoke all on all tables in schema ${schema} from ${sql.id(role)}`.execute(trx);
    await sql`revoke all on all sequences in schema ${schema} from ${sql.id(role)}`.execute(trx);
    await sql`revoke create on schema ${schema} from ${sql.id(role)}`.execute(trx);
    await sql`grant usage on schema ${schema} to ${sql.id(role)}`.execute(trx);
    for (const table of FINANCE_TABLES) await sql`grant select on table ${sql.id('public', table)} to ${sql.id(role)}`.execute(trx);
    return { created: !exists.rows.length, tables: FINANCE_TABLES };
  });
}
