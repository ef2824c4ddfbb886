import { expect } from 'chai';
import { writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { verifyStripeSignature } from '../../adapters/stripe/webhook-signature.ts';
import { suiteTempDirs } from '../support/temp-dirs.ts';
import { runScript, stderrLines } from '../support/cli.ts';

const SCRIPT = new URL('../../scripts/send-test-webhook.ts', import.meta.url).pathname;
const TENANT = '1b4e28ba-2fa1-41d2-883f-0016d3cca427';

/** `npm run send-test-webhook` reads .env as the ledger does, so it reaches the ledger .env configures. */
describe('send-test-webhook', function () {
  this.timeout(30_000);
  const tempDir = suiteTempDirs();
  const received: { url: string; signature: string | undefined; body: Buffer }[] = [];
  let receiver: Server;
  let port: number;

  // Stands in for the ledger: answers as it would and keeps what it was sent.
  before(async () => {
    receiver = createServer((req, res) => {
      const chunks: Buffer[] = [];
      req.on('data', (c: Buffer) => chunks.push(c));
      req.on('end', () => {
        received.push({ url: req.url ?? '', signature: req.headers['stripe-signature'] as string | undefined, body: Buffer.concat(chunks) });
        res.setHeader('content-type', 'application/json').end(JSON.stringify({ received: true }));
      });
    });
    await new Promise<void>((resolve) => receiver.listen(0, '127.0.0.1', resolve));
    port = (receiver.address() as AddressInfo).port;
  });
  after(() => new Promise((resolve) => receiver.close(resolve)));
  beforeEach(() => (received.length = 0));

  const send = (args: string[], dotEnv: string) => {
    const cwd = tempDir('ledger-send-webhook-');
    writeFileSync(join(cwd, '.env'), dotEnv);
    return runScript(SCRIPT, args, { env: { PATH: process.env.PATH, HOME: process.env.HOME }, cwd });
  };

  it("posts to .env's PORT, signed with .env's secret", async () => {
    const run = await send(['--tenant', TENANT], `PORT=${port}\nSTRIPE_WEBHOOK_SIGNING_SECRET=whsec_from_dot_env\n`);
    expect(run.code, run.stderr).to.equal(0);
    expect(received).to.have.length(1);
    expect(received[0]!.url).to.equal('/webhooks/stripe');
    expect(() => verifyStripeSignature(received[0]!.body, received[0]!.signature, ['whsec_from_dot_env'])).not.to.throw();
    expect(received[0]!.body.toString()).to.include(`"tenant_id":"${TENANT}"`);
  });

  it('refuses a tenant id that is not one, in one line, sending nothing', async () => {
    const run = await send(['--tenant', 'acme'], `PORT=${port}\nSTRIPE_WEBHOOK_SIGNING_SECRET=whsec_from_dot_env\n`);
    expect(run.code).to.equal(2);
    expect(stderrLines(run)).to.have.length(1);
    expect(stderrLines(run)[0]).to.include('--tenant');
    expect(received).to.have.length(0);
  });
});
