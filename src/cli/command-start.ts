import { existsSync, readFileSync } from 'node:fs';
import semver from 'semver';
import { z } from 'zod';

/*
 * What every `ledger` command and developer script does before anything else, so they all see
 * the same settings and the same warnings.
 */

/** A .env in the working directory fills in what the environment does not set. */
export function loadDotEnv(file = '.env'): void {
  if (existsSync(file)) process.loadEnvFile(file);
}

const packageSchema = z.object({ engines: z.object({ node: z.string() }) });

/** The Node versions package.json declares (its `engines.node`). */
export function supportedNodeRange(): string {
  return packageSchema.parse(JSON.parse(readFileSync(new URL('../../package.json', import.meta.url), 'utf8'))).engines.node;
}

/** A one-line warning when `version` is outside `range`, else null. */
export function nodeVersionWarning(version: string, range: string): string | null {
  if (semver.satisfies(version, range, { includePrerelease: true })) return null;
  return `warning: Node ${version} is outside the versions the ledger supports (node ${range}); it may work, but is not tested`;
}

/** Warns, does not refuse: an older Node mostly works, and a person should still be able to try. */
export function warnIfNodeUnsupported(version = process.version): void {
  const warning = nodeVersionWarning(version, supportedNodeRange());
  if (warning) process.stderr.write(`${warning}\n`);
}

/** Loads .env and warns about an unsupported Node: the start of every command and script. */
export function startCommand(): void {
  loadDotEnv();
  warnIfNodeUnsupported();
}
