import SwaggerParser from '@apidevtools/swagger-parser';
import { expect } from 'chai';
import { startTestLedger, type TestLedger } from '../support/test-ledger.ts';

describe('GET /openapi.json', function () {
  this.timeout(60_000);
  let t: TestLedger;
  before(async () => {
    t = await startTestLedger();
  });
  after(() => t?.close());

  it('is an OpenAPI 3.1 document with the bearer-key scheme', async () => {
    const res = await t.get('/openapi.json');
    expect(res.status).to.equal(200);
    expect(res.json.openapi).to.equal('3.1.0');
    expect(res.json).to.have.nested.property('components.securitySchemes.apiKey.scheme', 'bearer');
  });

  it('validates against the OpenAPI 3.1 schema', async () => {
    const document = (await t.get('/openapi.json')).json;
    // validate() dereferences in place: give it a copy.
    await SwaggerParser.validate(structuredClone(document) as never);
  });

  it('covers every route the server answers', async () => {
    const paths = (await t.get('/openapi.json')).json.paths as Record<string, Record<string, unknown>>;
    const served = t.app.servedRoutes.map((r) => `${r.method} ${r.url.replace(/:(\w+)/g, '{$1}')}`);
    expect(served).to.include('POST /webhooks/stripe').and.to.include('GET /api/v1/billing/payments');
    const documented = Object.entries(paths).flatMap(([path, methods]) => Object.keys(methods).map((m) => `${m.toUpperCase()} ${path}`));
    expect(documented.sort()).to.deep.equal([...new Set(served)].sort());
  });
});
