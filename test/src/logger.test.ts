import { expect } from 'chai';
import { createLogger } from '../../src/logger.ts';
import { freshDatabase, type TestDatabase } from '../support/database.ts';

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

describe('logger: errors from the database', () => {
  let database: TestDatabase;
  before(async () => {
    database = await freshDatabase();
  });
  after(() => database.close());

  const logged = (fields: Record<string, unknown>) => {
    const lines: string[] = [];
    const logger = createLogger('info', { write: (line: string) => lines.push(line) } as unknown as NodeJS.WritableStream);
    logger.error(fields, 'webhook');
    return lines.join('');
  };

  const failure = async (sql: string, params: unknown[] = []): Promise<Error> => {
    try {
      await database.pool.query(sql, params);
    } catch (error) {
      return error as Error;
    }
    throw new Error(`expected ${sql} to fail`);
  };

  it('never carries event content from a Postgres error (detail, where, message literals) into the log', async () => {
    const email = 'customer@example.com';
    await database.pool.query('create table logger_test_customers (email text constraint logger_test_email_unique unique)');
    await database.pool.query('insert into logger_test_customers values ($1)', [email]);
    const errors = [
      // CONTEXT (where) quotes the JSON around the bad escape; DETAIL names the escape.
      await failure('select $1::jsonb', [JSON.stringify({ receipt_email: email, description: 'x\u0000' })]),
      // DETAIL repeats the duplicate key's value.
      await failure('insert into logger_test_customers values ($1)', [email]),
      // The message itself quotes the value.
      await failure('select $1::integer', [email]),
    ];
    expect((errors[1] as unknown as { detail: string }).detail).to.include(email);
    for (const error of errors) {
      const text = logged({ err: error });
      expect(text, text).not.to.include(email);
      expect(text).not.to.include('customer@');
      const err = JSON.parse(text).err;
      expect(err.code).to.match(/^[0-9A-Z]{5}$/);
      expect(err).to.include.keys('message', 'severity', 'routine');
      expect(err).not.to.have.any.keys('detail', 'where', 'internalQuery', 'hint');
    }
    const duplicate = JSON.parse(logged({ err: errors[1] })).err;
    expect(duplicate).to.include({ code: '23505', constraint: 'logger_test_email_unique', table: 'logger_test_customers' });
  });

  it('blanks quoted literals in any message and in the stack, keeping the rest', () => {
    for (const [message, shown] of [
      ['value "4242424242424242" is out of range for type integer', 'value "…" is out of range for type integer'],
      [`invalid input syntax for type uuid: 'a@b.c' at "x"`, 'invalid input syntax for type uuid: "…" at "…"'],
      ['escaped "say \\"hi\\"" done', 'escaped "…" done'],
      ['cut short: "a@b.c', 'cut short: …'],
      ['no quotes at all', 'no quotes at all'],
    ]) {
      const err = JSON.parse(logged({ err: new TypeError(message) })).err;
      expect(err.message, message).to.equal(shown);
      expect(err.stack.split('\n')[0]).to.equal(`TypeError: ${shown}`);
      expect(err.stack).to.include('    at ');
    }
  });

  it('cleans a database error nested as the cause of another', async () => {
    const email = 'nested@example.com';
    const cause = await failure('select $1::integer', [email]);
    const text = logged({ err: new Error('append failed', { cause }) });
    expect(text).not.to.include(email);
    const err = JSON.parse(text).err;
    expect(err.message).to.equal('append failed');
    expect(err.cause.code).to.equal('22P02');
  });
});
