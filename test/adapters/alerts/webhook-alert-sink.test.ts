import { expect } from 'chai';
import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { createAlertSink } from '../../../adapters/alerts/webhook-alert-sink.ts';
import { capturingLogger } from '../../support/log-capture.ts';

const ALERT = {
  tenantId: '7d1c3a52-0f0e-4b8e-9d55-9b3e1f0c2a11',
  process: 'provisioning',
  summary: 'provisioning delayed at step dns',
  detail: { step: 'dns', attempts: 3, vaultToken: 'hvs.abc', note: '-----BEGIN OPENSSH PRIVATE KEY-----', apiKey: 'x' },
};

describe('operator alert sink', () => {
  let server: Server;
  let url: string;
  let received: { headers: IncomingMessage['headers']; body: unknown }[];
  let answer: (res: import('node:http').ServerResponse) => void;

  beforeEach(async () => {
    received = [];
    answer = (res) => res.writeHead(204).end();
    server = createServer((req, res) => {
      let raw = '';
      req.on('data', (chunk) => (raw += chunk));
      req.on('end', () => {
        received.push({ headers: req.headers, body: JSON.parse(raw) });
        answer(res);
      });
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/hook`;
  });
  afterEach(async () => {
    server.closeAllConnections();
    await new Promise((resolve) => server.close(resolve));
  });

  it('logs an error line and POSTs the alert, without anything secret-looking', async () => {
    const { logger, lines } = capturingLogger();
    await createAlertSink({ logger, webhookUrl: url, timeoutMs: 5000 }).raise(ALERT);
    expect(lines).to.have.length(1);
    expect(lines[0]).to.include({ level: 50, msg: 'operator alert: provisioning delayed at step dns' });
    expect(received).to.have.length(1);
    expect(received[0]!.headers['content-type']).to.equal('application/json');
    expect(received[0]!.body).to.deep.include({ tenantId: ALERT.tenantId, process: 'provisioning', summary: ALERT.summary, detail: { step: 'dns', attempts: 3 } });
    for (const secret of ['hvs.abc', 'PRIVATE KEY', 'apiKey']) {
      expect(JSON.stringify(received[0]!.body)).not.to.include(secret);
      expect(JSON.stringify(lines)).not.to.include(secret);
    }
  });

  it('only logs when no webhook is configured', async () => {
    const { logger, lines } = capturingLogger();
    await createAlertSink({ logger, webhookUrl: null, timeoutMs: 5000 }).raise(ALERT);
    expect(lines).to.have.length(1);
    expect(received).to.have.length(0);
  });

  it('logs, and does not throw, when the webhook refuses or does not answer in time', async () => {
    const { logger, lines } = capturingLogger();
    answer = (res) => res.writeHead(500).end();
    await createAlertSink({ logger, webhookUrl: url, timeoutMs: 5000 }).raise(ALERT);
    expect(lines.map((l) => l.msg)).to.include('ALERT_WEBHOOK_URL refused the alert');
    answer = () => {};
    await createAlertSink({ logger, webhookUrl: url, timeoutMs: 100 }).raise(ALERT);
    expect(lines.at(-1)).to.include({ msg: 'ALERT_WEBHOOK_URL could not be reached', reason: 'no answer within 100 ms' });
  });
});
