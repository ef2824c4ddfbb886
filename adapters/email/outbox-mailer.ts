import type { AnyDb } from '../db/database.ts';
import type { Mailer } from '../../domain/ports/provisioning.ts';
import { checkedMessage } from './email-message.ts';
import { messageIdFor } from './message-id.ts';
import type { EmailOutboxTables } from './outbox-table.ts';

export interface OutboxEntry {
  readonly messageId: string;
  readonly tenantId: string | null;
  readonly to: string;
  readonly subject: string;
  readonly text: string;
  readonly createdAt: Date;
}

const OUTBOX_DOMAIN = 'outbox.billing-ledger.invalid';

/**
 * The embedded default's mailer: nothing leaves the machine; each message is a row of
 * `email_outbox` (`ledger outbox list` shows them). A repeat send under the same idempotency
 * key is a no-op answering the first message's id.
 */
export function createOutboxMailer(anyDb: AnyDb): Mailer {
  const db = anyDb.withTables<EmailOutboxTables>();
  return {
    kind: 'outbox',
    async send(input) {
      const message = checkedMessage(input);
      const messageId = messageIdFor(message.idempotencyKey, OUTBOX_DOMAIN);
      const inserted = await db
        .insertInto('email_outbox')
        .values({
          idempotency_key: message.idempotencyKey,
          message_id: messageId,
          tenant_id: message.tenantId ?? null,
          recipient: message.to,
          subject: message.subject,
          body: message.text,
          created_at: new Date(),
        })
        .onConflict((c) => c.column('idempotency_key').doNothing())
        .returning('message_id')
        .executeTakeFirst();
      if (inserted) return { messageId: inserted.message_id };
      const first = await db.selectFrom('email_outbox').select('message_id').where('idempotency_key', '=', message.idempotencyKey).executeTakeFirstOrThrow();
      return { messageId: first.message_id };
    },
  };
}

/** The outbox, oldest first; a tenant's messages only when `tenantId` is given. */
export async function listOutbox(anyDb: AnyDb, filter: { tenantId?: string | undefined; limit?: number | undefined } = {}): Promise<OutboxEntry[]> {
  const db = anyDb.withTables<EmailOutboxTables>();
  let query = db.selectFrom('email_outbox').selectAll().orderBy('created_at').orderBy('message_id').limit(filter.limit ?? 1000);
  if (filter.tenantId !== undefined) query = query.where('tenant_id', '=', filter.tenantId);
  return (await query.execute()).map((row) => ({
    messageId: row.message_id,
    tenantId: row.tenant_id,
    to: row.recipient,
    subject: row.subject,
    text: row.body,
    createdAt: row.created_at,
  }));
}
