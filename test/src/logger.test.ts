import { expect } from 'chai';
import { createLogger } from '../../src/logger.ts';

describe('logger redaction', () => {
  it('never writes secrets, signatures, API keys or emails', () => {
    const lines: string[] = [];
    const logger = createLogger('info', { write: (line: string) => lines.push(line) } as unknown as NodeJS.WritableStream);
    logger.info({
      apiKey: 'lk_secret_key',
      secret: 'whsec_abc',
      headers: { authorization: 'Bearer lk_secret_key', 'stripe-signature': 't=1,v1=deadbeef' },
      customer: { email: 'someone@example.com' },
      email: 'me@example.com',
      config: { stripeSecretKey: 'sk_test_123', webhookSecrets: ['whsec_abc'], databaseUrl: 'postgres://u:pw@h/db' },
    }, 'hello');
    const text = lines.join('');
    for (const secret of ['lk_secret_key', 'whsec_abc', 'deadbeef', 'someone@example.com', 'me@example.com', 'sk_test_123', ':pw@']) {
      expect(text).not.to.include(secret);
    }
    expect(text).to.include('[redacted]');
  });
});
