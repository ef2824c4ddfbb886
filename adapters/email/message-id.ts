import { createHash } from 'node:crypto';

/**
 * The Message-ID an idempotency key stands for: the same key always gives the same id (a resend
 * after a crash is the same message to mail clients), and nothing of the key shows through.
 */
export function messageIdFor(idempotencyKey: string, domain: string): string {
  if (!idempotencyKey.trim()) throw new Error('an email needs an idempotency key');
  return `<${createHash('sha256').update(idempotencyKey).digest('hex').slice(0, 40)}@${domain}>`;
}
