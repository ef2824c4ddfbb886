import { expect } from 'chai';
import { InvalidArgumentError } from 'commander';
import { nonBlank, positiveCount, projectionNameArgument, streamName, wholeNumber } from '../../src/cli/arguments.ts';
import { nodeVersionWarning } from '../../src/cli/command-start.ts';

/** The parsers every `ledger` option and argument goes through (cli-mistakes.test.ts runs the command). */
describe('CLI argument parsers', () => {
  const refuses = (parse: (value: string) => unknown, values: string[]) => {
    for (const value of values) expect(() => parse(value), `'${value}'`).to.throw(InvalidArgumentError);
  };

  it('a revision is plain decimal digits, from 0, as a bigint', () => {
    expect(wholeNumber('0')).to.equal(0n);
    expect(wholeNumber('18446744073709551615')).to.equal(18446744073709551615n);
    refuses(wholeNumber, ['', 'abc', '-1', '1.0', '0x10', '1e1', ' 1', '+1']);
  });

  it('a count is plain decimal digits, from 1, within a safe integer', () => {
    expect(positiveCount('1')).to.equal(1);
    expect(positiveCount('500')).to.equal(500);
    refuses(positiveCount, ['', 'abc', '0', '-5', '2.0', '1.5', '0x10', '1e1', '10abc', '9007199254740993']);
  });

  it('a name is trimmed and must hold something', () => {
    expect(nonBlank('  Acme Ltd ')).to.equal('Acme Ltd');
    refuses(nonBlank, ['', '   ', '\t']);
  });

  it('a stream name has no spaces', () => {
    expect(streamName('tenant-1b4e28ba-2fa1-11d2-883f-0016d3cca427')).to.equal('tenant-1b4e28ba-2fa1-11d2-883f-0016d3cca427');
    refuses(streamName, ['', ' unrouted', 'a b']);
  });

  it('a projection name is one of the projections, and a wrong one lists them', () => {
    const argument = projectionNameArgument('[name]', 'projection');
    expect(argument.parseArg!('payments', undefined)).to.equal('payments');
    expect(() => argument.parseArg!('nosuch', undefined)).to.throw(InvalidArgumentError, 'routing, subscriptions, payments');
  });

  it('warns, in one line naming the range, on a Node older than package.json declares', () => {
    const warning = nodeVersionWarning('v20.20.2', '>=22.13');
    expect(warning).to.include('v20.20.2').and.to.include('>=22.13').and.not.to.include('\n');
    expect(nodeVersionWarning('v22.13.0', '>=22.13')).to.equal(null);
    expect(nodeVersionWarning('v24.21.0', '>=22.13')).to.equal(null);
  });
});
