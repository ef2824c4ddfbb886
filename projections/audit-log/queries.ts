import type { Kysely } from 'kysely';
import { canonicalTenantId } from '../../domain/routing/tenant-hints.ts';
import { pageNewestFirst, type PageRequest } from '../keyset-page.ts';
import type { AuditRow } from './row.ts';

/** Reads of the audit trail; every one is scoped to a tenant. */
// eslint-disable-next-line @typescript-eslint/no-explicit-any
export function createAuditQueries(db: Kysely<any>) {
  return {
    /**
     * The tenant's trail, newest first by when things happened (of the same second, the later in
     * its stream first); `startingAfter` is the event id of the last entry of the previous page.
     */
    async page(tenantId: string, options: PageRequest & { type?: string | undefined }): Promise<{ entries: AuditRow[]; hasMore: boolean } | { cursorNotFound: true }> {
      const where = { tenant_id: canonicalTenantId(tenantId) ?? tenantId, ...(options.type === undefined ? {} : { type: options.type }) };
      const page = await pageNewestFirst<AuditRow>(db, { table: 'audit_log', where, orderBy: ['occurred_at', 'stream', 'stream_revision'], idColumn: 'event_id' }, options);
      if ('cursorNotFound' in page) return page;
      return { entries: page.rows, hasMore: page.hasMore };
    },
  };
}

export type AuditQueries = ReturnType<typeof createAuditQueries>;
