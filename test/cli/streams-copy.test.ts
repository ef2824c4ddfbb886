import { expect } from 'chai';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { exitCodeOfCopy } from '../../src/cli/stream-commands.ts';
import { LEDGER_CLI, runScript, stderrLines } from '../support/cli.ts';
import { suiteTempDirs } from '../support/temp-dirs.ts';

/**
 * `ledger streams copy` refuses what it cannot do in one line, exit 2, before it opens anything.
 * The database given is unreachable on purpose: a command that got as far as opening it would
 * fail with a connection error instead. (The copy itself, its progress lines, resumption and
 * verification are tested between two stores in test/streams/.)
 */
describe('ledger streams copy: what it refuses', function () {
  this.timeout(60_000);
  const tempDir = suiteTempDirs();
  let scratch: string;
  let dataDir: string;

  before(() => {
    scratch = tempDir('ledger-streams-copy-');
    dataDir = join(scratch, 'data');
  });

  const refused = async (args: string[], env: NodeJS.ProcessEnv = {}) => {
    const run = await runScript(LEDGER_CLI, ['streams', 'copy', ...args], {
      env: { PATH: process.env.PATH, HOME: process.env.HOME, DATA_DIR: dataDir, DATABASE_URL: 'postgres://nobody@127.0.0.1:1/nothing', LOG_LEVEL: 'warn', ...env },
      cwd: scratch,
    });
    expect(existsSync(dataDir), `${args.join(' ')} made a data directory`).to.equal(false);
    const lines = stderrLines(run);
    expect(run.code, run.stderr).to.equal(2);
    expect(run.stdout).to.equal('');
    expect(lines, run.stderr).to.have.length(1);
    expect(run.stderr).not.to.match(/\n\s+at /);
    return lines[0]!;
  };

  it('a copy from a store to itself', async () => {
    expect(await refused(['--from', 'postgres', '--to', 'postgres'])).to.equal("error: --from and --to must be different stores (both are 'postgres')");
  });

  it('a store it does not know, listing those it does', async () => {
    const line = await refused(['--from', 'sqlite', '--to', 'esdb']);
    expect(line).to.include('--from').and.to.include("'sqlite'").and.to.include('postgres').and.to.include('esdb');
  });

  it('a missing --from or --to', async () => {
    expect(await refused(['--from', 'postgres'])).to.include('--to');
    expect(await refused(['--to', 'postgres'])).to.include('--from');
  });

  it('a page size that is not a count from 1 to 10000', async () => {
    for (const size of ['0', '10001']) {
      expect(await refused(['--from', 'postgres', '--to', 'esdb', '--page-size', size])).to.include('--page-size').and.to.include(`'${size}'`);
    }
  });

  it('EventStoreDB without EVENTSTORE_CONNECTION_STRING, either way', async () => {
    for (const direction of [['--from', 'postgres', '--to', 'esdb'], ['--from', 'esdb', '--to', 'postgres']]) {
      expect(await refused(direction)).to.match(/^esdb: EVENTSTORE_CONNECTION_STRING is not set/);
    }
  });

  it('exits 0 when the stores are equal, 3 when they differ or the target diverged, 128 + the signal when stopped', () => {
    expect(exitCodeOfCopy('equal', undefined)).to.equal(0);
    expect(exitCodeOfCopy('differ', undefined)).to.equal(3);
    expect(exitCodeOfCopy('diverged', undefined)).to.equal(3);
    expect(exitCodeOfCopy('interrupted', 'SIGINT')).to.equal(130);
    expect(exitCodeOfCopy('interrupted', 'SIGTERM')).to.equal(143);
  });
});
