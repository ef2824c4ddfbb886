import { z } from 'zod';
import type { EmailMessage } from '../../domain/ports/provisioning.ts';

const emailMessageSchema = z.object({
  to: z.email('must be an email address'),
  subject: z.string().trim().min(1, 'must not be empty').max(998).refine((v) => !/[\r\n]/.test(v), 'must be one line'),
  text: z.string(),
  idempotencyKey: z.string().trim().min(1, 'must not be empty').max(500),
  tenantId: z.uuid().optional(),
});

/** Checks a message before it is stored or sent: a bad one is refused whole, with what is wrong. */
export function checkedMessage(message: EmailMessage): EmailMessage {
  const parsed = emailMessageSchema.safeParse(message);
  if (!parsed.success) throw new Error(`Invalid email: ${parsed.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; ')}`);
  return parsed.data;
}
