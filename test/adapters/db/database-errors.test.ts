import { expect } from 'chai';
import { describeDatabaseError } from '../../../adapters/db/database-errors.ts';

const coded = (code: string, message: string) => Object.assign(new Error(message), { code });

describe('describing a database failure', () => {
  it('names the usual faults in operator words', () => {
    expect(describeDatabaseError(coded('ECONNREFUSED', 'connect ECONNREFUSED 127.0.0.1:1')).reason).to.equal('connection refused');
    expect(describeDatabaseError(coded('55P03', 'canceling statement due to lock timeout'))).to.deep.equal({ kind: 'lock_timeout', reason: 'lock timeout' });
    expect(describeDatabaseError(coded('57014', 'canceling statement due to statement timeout')).kind).to.equal('statement_timeout');
    expect(describeDatabaseError(coded('57014', 'canceling statement due to user request')).kind).to.equal('other');
    expect(describeDatabaseError(new Error('timeout exceeded when trying to connect')).reason).to.equal('no connection within the connect timeout');
    expect(describeDatabaseError(new Error('Connection terminated unexpectedly')).reason).to.equal('connection lost');
    expect(describeDatabaseError(new AggregateError([coded('ECONNREFUSED', '')])).reason).to.equal('connection refused');
  });

  it('never repeats what a server message quotes', () => {
    const failure = describeDatabaseError(coded('22P02', 'invalid input syntax for type json: "jane@example.com"'));
    expect(failure).to.deep.equal({ kind: 'other', reason: 'sqlstate 22P02' });
    expect(describeDatabaseError(new Error('card 4242 jane@example.com')).reason).to.equal('unexpected error');
  });
});
