import nodemailer from 'nodemailer';
import type { Mailer } from '../../domain/ports/provisioning.ts';
import { checkedMessage } from './email-message.ts';
import { messageIdFor } from './message-id.ts';

export interface SmtpMailerOptions {
  /** SMTP_URL: smtp://user:pass@host:587 or smtps://...:465. */
  readonly url: string;
  /** EMAIL_FROM: `Name <address>` or an address. */
  readonly from: string;
  readonly timeoutMs: number;
}

/**
 * A message the SMTP server did not take. `retryable` for a temporary refusal (4xx) or a
 * connection that failed; a permanent refusal (5xx, e.g. a bad recipient) is not. The message
 * names neither the server's credentials nor the mail.
 */
export class SmtpError extends Error {
  override readonly name = 'SmtpError';
  constructor(
    message: string,
    readonly retryable: boolean,
    readonly responseCode: number | null,
  ) {
    super(message);
  }
}

/** The domain of the From address, where Message-IDs are minted (RFC 5322 §3.6.4). */
function senderDomain(from: string): string {
  const address = /<([^>]+)>/.exec(from)?.[1] ?? from;
  return address.split('@')[1]?.trim().toLowerCase() || 'billing-ledger.invalid';
}

/**
 * Tenant email over SMTP through nodemailer. The idempotency key becomes the Message-ID, so a
 * message sent again after a crash (between the send and recording it) is the same message to
 * the receiving side, which mail clients show once.
 */
export function createSmtpMailer(options: SmtpMailerOptions): Mailer & { close(): void } {
  const transport = nodemailer.createTransport({
    url: options.url,
    connectionTimeout: options.timeoutMs,
    greetingTimeout: options.timeoutMs,
    socketTimeout: options.timeoutMs,
  });
  const domain = senderDomain(options.from);
  return {
    kind: 'smtp',
    async send(input) {
      const message = checkedMessage(input);
      const messageId = messageIdFor(message.idempotencyKey, domain);
      try {
        await transport.sendMail({ from: options.from, to: message.to, subject: message.subject, text: message.text, messageId });
      } catch (error) {
        const code = (error as { responseCode?: number }).responseCode ?? null;
        const kind = (error as { code?: string }).code ?? 'EUNKNOWN';
        throw new SmtpError(
          code ? `the SMTP server refused the message: ${code} (${kind})` : `the SMTP server could not be reached: ${kind}`,
          code === null || (code >= 400 && code < 500),
          code,
        );
      }
      return { messageId };
    },
    close: () => transport.close(),
  };
}
