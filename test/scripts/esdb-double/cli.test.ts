import { spawn, type ChildProcessWithoutNullStreams } from 'node:child_process';
import { once } from 'node:events';
import { createInterface } from 'node:readline';
import { expect } from 'chai';
import { EventStoreDBClient } from '@eventstore/db-client';
import { event } from './double-client.ts';

const CLI = new URL('../../../scripts/esdb-double.ts', import.meta.url).pathname;
const TSX = import.meta.resolve('tsx');

describe('esdb-double command', () => {
  let child: ChildProcessWithoutNullStreams | undefined;
  let client: EventStoreDBClient | undefined;

  afterEach(async () => {
    await client?.dispose();
    client = undefined;
    if (child && child.exitCode === null && child.signalCode === null) {
      const exited = once(child, 'exit');
      child.kill('SIGKILL');
      await exited;
    }
    child = undefined;
  });

  it('prints its connection string alone on the first line, serves the real client, and stops on SIGTERM', async () => {
    child = spawn(process.execPath, ['--import', TSX, CLI, '--port', '0', '--idempotency-cache-size', '100'], {
      env: { PATH: process.env.PATH, HOME: process.env.HOME },
    });
    let stderr = '';
    child.stderr.on('data', (chunk) => (stderr += chunk));
    const lines = createInterface({ input: child.stdout });
    const [firstLine] = (await Promise.race([
      once(lines, 'line'),
      once(child, 'exit').then(() => Promise.reject(new Error(`esdb-double exited before printing: ${stderr}`))),
    ])) as [string];

    expect(firstLine).to.match(/^esdb:\/\/127\.0\.0\.1:\d+\?tls=false$/);
    client = EventStoreDBClient.connectionString(firstLine);
    const appended = await client.appendToStream('cli-check', event('Hello'));
    expect(appended.success).to.equal(true);

    const exited = once(child, 'exit');
    child.kill('SIGTERM');
    const [code] = (await exited) as [number | null];
    expect(code).to.equal(0);
    expect(stderr).to.contain('lost when it stops');
  });
});
