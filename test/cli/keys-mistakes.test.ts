import { expect } from 'chai';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { suiteTempDirs } from '../support/temp-dirs.ts';
import { LEDGER_CLI, runScript, stderrLines } from '../support/cli.ts';

/** Mistyped `ledger keys` commands: one line naming the argument, exit 2, nothing opened (the store given is unreachable). */
describe('ledger keys: argument mistakes', function () {
  this.timeout(60_000);
  const tempDir = suiteTempDirs();

  const refused = async (args: string[]) => {
    const scratch = tempDir('ledger-keys-args-');
    const dataDir = join(scratch, 'data');
    const run = await runScript(LEDGER_CLI, args, {
      env: { PATH: process.env.PATH, HOME: process.env.HOME, DATA_DIR: dataDir, DATABASE_URL: 'postgres://nobody@127.0.0.1:1/nothing', LOG_LEVEL: 'warn' },
      cwd: scratch,
    });
    expect(existsSync(dataDir), `${args.join(' ')} made a data directory`).to.equal(false);
    expect(run.code, run.stderr).to.equal(2);
    expect(run.stdout).to.equal('');
    expect(stderrLines(run), run.stderr).to.have.length(1);
    return stderrLines(run)[0]!;
  };

  it('an unknown or missing --scope lists the scopes', async () => {
    expect(await refused(['keys', 'create', '--scope', 'root'])).to.include('--scope').and.to.include('tenant, finance, admin');
    expect(await refused(['keys', 'create'])).to.include('--scope');
  });

  it('a tenant key without --tenant, or another scope with one, names --tenant', async () => {
    expect(await refused(['keys', 'create', '--scope', 'tenant'])).to.include('needs --tenant');
    expect(await refused(['keys', 'create', '--scope', 'admin', '--tenant', '00000000-0000-4000-8000-000000000000'])).to.include('leave out --tenant');
  });

  it('ids that are not UUIDs name the argument', async () => {
    expect(await refused(['keys', 'create', '--scope', 'tenant', '--tenant', 'acme'])).to.include('--tenant').and.to.include("'acme'");
    expect(await refused(['keys', 'revoke', 'abc'])).to.include('keyId').and.to.include("'abc'");
    expect(await refused(['keys', 'list', '--scope', 'everything'])).to.include('--scope');
  });
});
