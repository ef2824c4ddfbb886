import { createServer, type Socket } from 'node:net';
import type { AddressInfo } from 'node:net';

export interface ReceivedMail {
  readonly from: string;
  readonly to: string[];
  /** The message as transmitted (headers and body), dot-stuffing undone. */
  readonly data: string;
  header(name: string): string | undefined;
}

export interface SmtpSink {
  /** For SMTP_URL. */
  readonly url: string;
  readonly received: ReceivedMail[];
  /** The next `times` messages are refused at DATA's end with `code` (e.g. 451 temporary, 550 permanent). */
  refuseNext(code: number, times?: number): void;
  stop(): Promise<void>;
}

/**
 * The smallest SMTP server nodemailer will talk to (RFC 5321: EHLO, MAIL, RCPT, DATA, RSET,
 * NOOP, QUIT; no TLS, no AUTH), keeping what it receives. Written here because no SMTP server
 * package is among the project's dependencies.
 */
export async function startSmtpSink(): Promise<SmtpSink> {
  const received: ReceivedMail[] = [];
  const sockets = new Set<Socket>();
  let refusals: { code: number; times: number } | null = null;

  const server = createServer((socket) => {
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
    socket.on('error', () => {});
    let buffer = '';
    let from = '';
    let to: string[] = [];
    let data: string[] | null = null;
    const reply = (line: string) => socket.write(`${line}\r\n`);
    reply('220 smtp-sink ESMTP');
    socket.on('data', (chunk) => {
      buffer += chunk.toString('utf8');
      let end: number;
      while ((end = buffer.indexOf('\r\n')) !== -1) {
        const line = buffer.slice(0, end);
        buffer = buffer.slice(end + 2);
        if (data) {
          if (line !== '.') {
            data.push(line.startsWith('..') ? line.slice(1) : line);
            continue;
          }
          const text = data.join('\r\n');
          data = null;
          if (refusals && refusals.times > 0) {
            refusals.times -= 1;
            reply(`${refusals.code} ${refusals.code >= 500 ? '5.0.0 refused by the sink' : '4.0.0 try again later'}`);
            continue;
          }
          const headers = text.split('\r\n\r\n')[0]!.replace(/\r\n[ \t]+/g, ' ').split('\r\n');
          received.push({
            from,
            to,
            data: text,
            header: (name) => headers.find((h) => h.toLowerCase().startsWith(`${name.toLowerCase()}:`))?.slice(name.length + 1).trim(),
          });
          reply('250 2.0.0 queued');
          continue;
        }
        const verb = line.slice(0, 4).toUpperCase();
        if (verb === 'EHLO' || verb === 'HELO') reply('250 smtp-sink');
        else if (verb === 'MAIL') {
          from = /<([^>]*)>/.exec(line)?.[1] ?? '';
          to = [];
          reply('250 2.1.0 ok');
        } else if (verb === 'RCPT') {
          to.push(/<([^>]*)>/.exec(line)?.[1] ?? '');
          reply('250 2.1.5 ok');
        } else if (verb === 'DATA') {
          data = [];
          reply('354 end with <CRLF>.<CRLF>');
        } else if (verb === 'RSET' || verb === 'NOOP') reply('250 ok');
        else if (verb === 'QUIT') {
          reply('221 bye');
          socket.end();
        } else reply('502 5.5.2 not implemented');
      }
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `smtp://127.0.0.1:${port}`,
    received,
    refuseNext: (code, times = 1) => void (refusals = { code, times }),
    async stop() {
      for (const socket of sockets) socket.destroy();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}
