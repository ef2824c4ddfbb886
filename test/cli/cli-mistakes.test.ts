import { expect } from 'chai';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { suiteTempDirs } from '../support/temp-dirs.ts';
import { LEDGER_CLI, runScript, stderrLines } from '../support/cli.ts';

/**
 * What a person who mistypes a `ledger` command sees: one line naming the argument, a non-zero
 * exit, and nothing opened or changed. The store given is unreachable on purpose: a command that
 * got as far as opening it would fail with a connection error instead of the argument's message.
 */
describe('ledger CLI: argument mistakes', function () {
  this.timeout(30_000);
  const tempDir = suiteTempDirs();
  let scratch: string;
  let dataDir: string;

  before(() => {
    scratch = tempDir('ledger-cli-args-');
    dataDir = join(scratch, 'data');
  });

  /** Runs a mistaken command, and checks it opened nothing: no data directory was made. */
  const ledger = async (args: string[]) => {
    const run = await runScript(LEDGER_CLI, args, {
      env: { PATH: process.env.PATH, HOME: process.env.HOME, DATA_DIR: dataDir, DATABASE_URL: 'postgres://nobody@127.0.0.1:1/nothing', LOG_LEVEL: 'warn' },
      cwd: scratch,
    });
    expect(existsSync(dataDir), `${args.join(' ')} made a data directory`).to.equal(false);
    return run;
  };

  /** The message's one line (a warning that this Node is older than supported aside). */
  const refused = async (args: string[]) => {
    const run = await ledger(args);
    const lines = stderrLines(run);
    expect(run.code, run.stderr).to.equal(2);
    expect(run.stdout).to.equal('');
    expect(lines, run.stderr).to.have.length(1);
    expect(run.stderr).not.to.match(/\n\s+at /);
    return lines[0]!;
  };

  it('streams read --from abc names --from', async () => {
    expect(await refused(['streams', 'read', 'unrouted', '--from', 'abc'])).to.include('--from').and.to.include("'abc'");
  });

  // Other spellings of a bad limit (0x10, 1e1, 2.0, ...) are covered by arguments.test.ts.
  it('streams read --limit abc names --limit instead of printing nothing', async () => {
    expect(await refused(['streams', 'read', 'unrouted', '--limit', 'abc'])).to.include('--limit');
  });

  it('projections rebuild nosuch lists the projections there are', async () => {
    const line = await refused(['projections', 'rebuild', 'nosuch']);
    expect(line).to.include('nosuch');
    for (const name of ['routing', 'subscriptions', 'payments']) expect(line).to.include(name);
  });

  it("tenants create --name '' names --name", async () => {
    expect(await refused(['tenants', 'create', '--name', ''])).to.include('--name');
  });

  it('tenants create without --name names --name', async () => {
    expect(await refused(['tenants', 'create'])).to.include('--name');
  });

  it('an unknown command says so, and what was likely meant', async () => {
    const run = await ledger(['tenant', 'list']);
    expect(run.code).to.equal(2);
    expect(stderrLines(run)).to.deep.equal(["error: unknown command 'tenant'", '(Did you mean tenants?)']);
  });
});
