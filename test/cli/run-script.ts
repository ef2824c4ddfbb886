import { spawn } from 'node:child_process';

export interface Run {
  code: number | null;
  stdout: string;
  stderr: string;
}

export const LEDGER_CLI = new URL('../../src/cli/main.ts', import.meta.url).pathname;

// Resolved here, not by the child: a child started in another directory would not find tsx.
const TSX = import.meta.resolve('tsx');

/** Runs one of the project's TypeScript entry points in a child process, as `npm run` would, to its end. */
export function runScript(script: string, args: readonly string[], options: { env: NodeJS.ProcessEnv; cwd?: string }): Promise<Run> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ['--import', TSX, script, ...args], { env: options.env, cwd: options.cwd });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d) => (stdout += d));
    child.stderr.on('data', (d) => (stderr += d));
    child.on('error', reject);
    child.on('close', (code) => resolve({ code, stdout, stderr }));
  });
}

/** stderr without the one-line warning a Node older than package.json's engines gets. */
export const stderrLines = (run: Run) => run.stderr.split('\n').filter((line) => line.trim() && !line.startsWith('warning: Node'));
