import { Argument, Option, type Command } from 'commander';
import { z } from 'zod';
import type { ApiKeyRecord } from '../../adapters/db/api-key-repository.ts';
import { API_KEY_SCOPES, scopeOwnerProblem, type ApiKeyScope } from '../../domain/tenants/api-key.ts';
import { OperatorError } from '../../domain/operator-error.ts';
import type { Ledger } from '../ledger.ts';
import { matching, nonBlank } from './arguments.ts';
import { printJsonLine } from './output.ts';

const uuid = (what: string) => matching(z.uuid(`Expected ${what} (a UUID).`));

/** A key as printed: everything but its secret (and its hash). */
export function keyLine(key: ApiKeyRecord) {
  return { keyId: key.id, scope: key.scope, tenantId: key.tenantId, name: key.name, prefix: key.prefix, createdAt: key.createdAt, revokedAt: key.revokedAt };
}

export function registerKeyCommands(program: Command, withLedger: (run: (ledger: Ledger) => Promise<void>) => Promise<void>): void {
  const keys = program.command('keys').description('API keys and their scopes (tenant, finance, admin)');

  keys
    .command('create')
    .description('issue a key; prints {"apiKey", ...} (the key is shown only this once). The first admin key comes from here.')
    .addOption(new Option('--scope <scope>', 'what the key may do').choices(API_KEY_SCOPES).makeOptionMandatory())
    .addOption(new Option('--tenant <id>', "the tenant of a tenant key (`ledger tenants list`)").argParser(uuid('a tenant id')))
    .addOption(new Option('--name <label>', 'a label, e.g. who or what uses the key').argParser(nonBlank))
    .action(function (this: Command, options: { scope: ApiKeyScope; tenant?: string; name?: string }) {
      // Checked before anything is opened, as every other argument is.
      const problem = scopeOwnerProblem(options.scope, options.tenant, '--tenant <id>');
      if (problem) this.error(`error: ${problem}`, { exitCode: 2 });
      return withLedger(async (ledger) => {
        const { key, secret } = await ledger.apiKeys.issue({ scope: options.scope, tenantId: options.tenant, name: options.name });
        printJsonLine({ apiKey: secret, ...keyLine(key) });
      });
    });

  keys
    .command('list')
    .description('one JSON line per key, revoked ones included (keys are never shown, only their prefix)')
    .addOption(new Option('--tenant <id>', "only this tenant's keys").argParser(uuid('a tenant id')))
    .addOption(new Option('--scope <scope>', 'only keys of this scope').choices(API_KEY_SCOPES))
    .action((options: { tenant?: string; scope?: ApiKeyScope }) =>
      withLedger(async (ledger) => {
        for (const key of await ledger.apiKeys.list({ tenantId: options.tenant, scope: options.scope })) printJsonLine(keyLine(key));
      }),
    );

  keys
    .command('revoke')
    .description('revoke a key from its next request on; prints the key with its revokedAt (the last admin key may be revoked here)')
    .addArgument(new Argument('<keyId>', 'the key id `ledger keys list` shows').argParser(uuid('a key id')))
    .action((keyId: string) =>
      withLedger(async (ledger) => {
        const result = await ledger.apiKeys.revoke(keyId, { keepAnAdminKey: false });
        if (result.status === 'not_found') throw new OperatorError(`no API key ${keyId} (\`ledger keys list\` shows them)`);
        printJsonLine(keyLine(result.key));
      }),
    );
}
