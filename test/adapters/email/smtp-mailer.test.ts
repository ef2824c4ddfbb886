import { expect } from 'chai';
import { createServer } from 'node:net';
import type { AddressInfo, Socket } from 'node:net';
import { createSmtpMailer } from '../../../adapters/email/smtp-mailer.ts';
import { startSmtpSink, type SmtpSink } from '../../support/smtp-sink/server.ts';
import { caught } from '../../support/caught.ts';

describe('SMTP mailer (nodemailer against a local SMTP sink)', function () {
  this.timeout(30_000);
  let sink: SmtpSink;

  beforeEach(async () => {
    sink = await startSmtpSink();
  });
  afterEach(() => sink.stop());

  const mailer = (url = sink.url, timeoutMs = 5000) => createSmtpMailer({ url, from: 'Billing <billing@ledger.example>', timeoutMs });
  const message = { to: 'ops@tenant.example', subject: 'Your servers are ready', text: 'ssh admin@203.0.113.7', idempotencyKey: 'provisioning-t1-ready' };


  it('sends the message with the idempotency key as its Message-ID: a resend is the same message', async () => {
    const smtp = mailer();
    try {
      expect(smtp.kind).to.equal('smtp');
      const first = await smtp.send(message);
      const again = await smtp.send(message);
      expect(again).to.deep.equal(first);
      expect(first.messageId).to.match(/^<[0-9a-f]{40}@ledger\.example>$/);
      expect(sink.received).to.have.length(2);
      const [mail] = sink.received;
      expect(mail).to.include({ from: 'billing@ledger.example' });
      expect(mail!.to).to.deep.equal(['ops@tenant.example']);
      expect(mail!.header('Message-ID')).to.equal(first.messageId);
      expect(mail!.header('Subject')).to.equal('Your servers are ready');
      expect(mail!.data).to.include('ssh admin@203.0.113.7');
      expect(sink.received[1]!.header('Message-ID')).to.equal(first.messageId);
    } finally {
      smtp.close();
    }
  });

  it('a temporary refusal is retryable, a permanent one is not', async () => {
    const smtp = mailer();
    try {
      sink.refuseNext(451);
      expect(await caught(() => smtp.send(message))).to.include({ name: 'SmtpError', retryable: true, responseCode: 451 });
      sink.refuseNext(550);
      expect(await caught(() => smtp.send(message))).to.include({ retryable: false, responseCode: 550 });
      await smtp.send(message);
      expect(sink.received).to.have.length(1);
    } finally {
      smtp.close();
    }
  });

  it('a server that does not answer in time is retryable', async () => {
    const connections: Socket[] = [];
    const silent = createServer((socket) => void connections.push(socket));
    await new Promise<void>((resolve) => silent.listen(0, '127.0.0.1', resolve));
    const smtp = mailer(`smtp://127.0.0.1:${(silent.address() as AddressInfo).port}`, 300);
    try {
      expect(await caught(() => smtp.send(message))).to.include({ retryable: true, responseCode: null });
    } finally {
      smtp.close();
      for (const socket of connections) socket.destroy();
      await new Promise((resolve) => silent.close(resolve));
    }
  });

  it('refuses a malformed message before connecting', async () => {
    const smtp = mailer();
    try {
      expect((await caught(() => smtp.send({ ...message, to: 'nobody' }))).message).to.include('Invalid email');
      expect(sink.received).to.have.length(0);
    } finally {
      smtp.close();
    }
  });
});
