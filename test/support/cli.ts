import { spawn } from 'node:child_process';
import { TS_NODE_ARGS } from '../../scripts/lib/node-args.ts';

export interface CliRun {
  readonly code: number | null;
  readonly stdout: string;
  readonly stderr: string;
}

export const LEDGER_CLI = new URL('../../src/cli/main.ts', import.meta.url).pathname;


/** Runs one of the project's TypeScript entry points in a child process, as `npm run` would, to its end. */
export function runScript(script: string, args: readonly string[], options: { env: NodeJS.ProcessEnv; cwd?: string }): Promise<CliRun> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [...TS_NODE_ARGS, script, ...args], { env: options.env, cwd: options.cwd });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d) => (stdout += d));
    child.stderr.on('data', (d) => (stderr += d));
    child.on('error', reject);
    child.on('close', (code) => resolve({ code, stdout, stderr }));
  });
}

/** The real `ledger` command, with exactly the environment given (plus PATH and HOME). */
export function runLedger(args: readonly string[], env: NodeJS.ProcessEnv): Promise<CliRun> {
  return runScript(LEDGER_CLI, args, { env: { PATH: process.env.PATH, HOME: process.env.HOME, ...env } });
}

/** The JSON lines a command printed. */
export const jsonLines = (text: string) =>
  text
    .trim()
    .split('\n')
    .filter(Boolean)
    .map((line) => JSON.parse(line) as Record<string, unknown>);

/** Output lines, without the one-line warning a Node older than package.json's engines gets. */
export const outputLines = (text: string) => text.split('\n').filter((line) => line.trim() && !line.startsWith('warning: Node'));

export const stderrLines = (run: CliRun) => outputLines(run.stderr);
