import { expect } from 'chai';
import { trackIngestHealth } from '../../../src/webhooks/ingest-health.ts';

const coded = (code: string, message = 'x') => Object.assign(new Error(message), { code });

describe('ingest health (the /readyz ingest check)', () => {
  let now = 0;
  const tracker = () => trackIngestHealth({ windowMs: 60_000, remember: 5, now: () => now });

  it('is fine before any webhook and while any recent one was stored', () => {
    const health = tracker();
    expect(health.problem()).to.equal(null);
    health.failed(coded('55P03'));
    health.succeeded();
    health.failed(coded('55P03'));
    expect(health.problem()).to.equal(null);
  });

  it('fails when every recent attempt failed, naming the reasons, most recent first', () => {
    const health = tracker();
    health.failed(coded('ECONNREFUSED'));
    health.failed(coded('55P03'));
    expect(health.problem()).to.equal('the last 2 webhooks (within 60 s) could not be stored: lock timeout, connection refused');
  });

  it('forgets failures older than the window, and all but the last few', () => {
    const health = tracker();
    health.succeeded();
    for (let i = 0; i < 5; i++) health.failed(coded('57014', 'canceling statement due to statement timeout'));
    expect(health.problem()).to.match(/^the last 5 webhooks .*: statement timeout$/);
    now += 60_001;
    expect(health.problem()).to.equal(null);
  });
});
