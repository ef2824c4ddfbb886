import { expect } from 'chai';
import { request } from 'node:http';
import { connect, type AddressInfo } from 'node:net';
import { startTestLedger, type TestLedger } from '../support/test-ledger.ts';

/** Answers to requests a client got wrong: each in the documented `{"error": {"code", "message"}}` shape. */
describe('HTTP edges', function () {
  let t: TestLedger;
  let key: string;

  before(async () => {
    t = await startTestLedger();
    key = (await t.ledger.tenants.create('Acme')).apiKey;
  });
  after(() => t.close());

  const errorOf = (json: Record<string, unknown>) => json.error as { code: string; message: string };

  describe('query parameters', () => {
    it('accepts only a plain decimal integer from 1 to 100 as limit', async () => {
      for (const limit of ['0x10', '1e1', '2.0', '+5', ' 5', '5 ', '-1', '0', '101', '', 'abc', '１０']) {
        const res = await t.get(`/api/v1/billing/payments?limit=${encodeURIComponent(limit)}`, key);
        expect(res.status, limit).to.equal(400);
        expect(errorOf(res.json).code, limit).to.equal('invalid_parameter');
        expect(errorOf(res.json).message, limit).to.match(/^invalid query parameter limit: /);
      }
      for (const limit of ['1', '10', '100']) {
        expect((await t.get(`/api/v1/billing/payments?limit=${limit}`, key)).status, limit).to.equal(200);
      }
    });

    it('answers a parameter given more than once with a 400 that says so', async () => {
      for (const [query, name] of [['limit=1&limit=2', 'limit'], ['limit=5&limit=5', 'limit'], ['starting_after=a&starting_after=b', 'starting_after']]) {
        const res = await t.get(`/api/v1/billing/payments?${query}`, key);
        expect(res.status, query).to.equal(400);
        expect(errorOf(res.json)).to.deep.equal({ code: 'invalid_parameter', message: `invalid query parameter ${name}: given more than once` });
      }
      const res = await t.get('/api/v1/billing/subscription?x=1&x=2', key);
      expect(res.status).to.equal(400);
      expect(errorOf(res.json).message).to.equal('unknown query parameter: x');
    });
  });

  describe('requests Node cannot parse', () => {
    let port: number;
    before(async () => {
      await t.app.listen({ port: 0, host: '127.0.0.1' });
      port = (t.app.server.address() as AddressInfo).port;
    });

    it('answers a malformed request with 400 in the documented error shape', async () => {
      const answer = await new Promise<string>((resolve, reject) => {
        let text = '';
        const socket = connect(port, '127.0.0.1', () => socket.write('GET /healthz HTTP/1.1\r\nHost: x\r\nNot a header\r\n\r\n'));
        socket.setEncoding('utf8');
        socket.on('data', (chunk: string) => (text += chunk));
        socket.on('close', () => resolve(text));
        socket.on('error', reject);
      });
      const [head, body] = answer.split('\r\n\r\n') as [string, string];
      expect(head).to.match(/^HTTP\/1\.1 400 Bad Request\r\n/);
      expect(head).to.match(/\r\nContent-Type: application\/json/i);
      expect(JSON.parse(body)).to.deep.equal({ error: { code: 'bad_request', message: 'malformed HTTP request' } });
    });

    it('answers 431 to headers over the size limit, in the documented error shape', async () => {
      const answer = await new Promise<{ status: number; contentType: string | undefined; body: string }>((resolve, reject) => {
        const req = request({ host: '127.0.0.1', port, path: '/api/v1/billing/payments', headers: { authorization: `Bearer ${key}`, 'x-padding': 'x'.repeat(64 * 1024) } }, (res) => {
          let body = '';
          res.setEncoding('utf8');
          res.on('data', (chunk: string) => (body += chunk));
          res.on('end', () => resolve({ status: res.statusCode!, contentType: res.headers['content-type'], body }));
        });
        req.on('error', reject);
        req.end();
      });
      expect(answer.status).to.equal(431);
      expect(answer.contentType).to.match(/^application\/json/);
      expect(JSON.parse(answer.body)).to.deep.equal({ error: { code: 'request_header_too_large', message: 'request headers too large' } });
    });
  });
});
