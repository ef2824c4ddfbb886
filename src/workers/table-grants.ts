import { sql } from 'kysely';
import type { ProjectionDb } from '../../projections/projection.ts';

interface Grant {
  readonly grantee: string | null;
  readonly privilege: string;
  readonly grantable: boolean;
}

/** Table privileges are keywords (SELECT, INSERT, ..., MAINTAIN); anything else is not passed on as SQL. */
const PRIVILEGE = /^[A-Z]+$/;

/**
 * Gives `to` every privilege others hold on `from` (the owner's own are the owner's anyway). A
 * rebuild swaps freshly built tables in for the live ones; without this, whatever an operator
 * granted on a read model (`ledger finance grant-readonly`'s role for a BI tool, a replica user)
 * would silently vanish at the next upgrade.
 */
export async function copyTableGrants(db: ProjectionDb, from: { schema: string; table: string }, to: { schema: string; table: string }): Promise<number> {
  const { rows } = await sql<Grant>`
    select r.rolname as grantee, a.privilege_type as privilege, a.is_grantable as grantable
      from pg_class c
      join pg_namespace n on n.oid = c.relnamespace
      cross join lateral aclexplode(c.relacl) a
      left join pg_roles r on r.oid = a.grantee
     where n.nspname = ${from.schema} and c.relname = ${from.table} and a.grantee <> c.relowner`.execute(db);
  const target = sql.id(to.schema, to.table);
  for (const grant of rows) {
    if (!PRIVILEGE.test(grant.privilege)) continue;
    // grantee 0 is PUBLIC, which pg_roles does not list.
    const grantee = grant.grantee === null ? sql`public` : sql.id(grant.grantee);
    await sql`grant ${sql.raw(grant.privilege)} on table ${target} to ${grantee}${grant.grantable ? sql` with grant option` : sql``}`.execute(db);
  }
  return rows.length;
}
