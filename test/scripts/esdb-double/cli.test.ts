import { spawn, type ChildProcessWithoutNullStreams } from 'node:child_process';
import { once } from 'node:events';
import { createInterface } from 'node:readline';
import { expect } from 'chai';
import { credentials } from '@grpc/grpc-js';
import { EventStoreDBClient } from '@eventstore/db-client';
import serverFeaturesGrpc from '@eventstore/db-client/generated/serverfeatures_grpc_pb.js';
import sharedPb from '@eventstore/db-client/generated/shared_pb.js';
import { event } from './double-client.ts';
import { TS_NODE_ARGS } from '../../../scripts/lib/node-args.ts';

const CLI = new URL('../../../scripts/esdb-double.ts', import.meta.url).pathname;

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

  /** Starts the command; resolves with its first line of stdout and what it printed to stderr so far. */
  async function start(...args: string[]): Promise<{ started: ChildProcessWithoutNullStreams; firstLine: string; stderr: () => string }> {
    const started = spawn(process.execPath, [...TS_NODE_ARGS, CLI, '--port', '0', ...args], {
      env: { PATH: process.env.PATH, HOME: process.env.HOME },
    });
    child = started;
    let stderr = '';
    started.stderr.on('data', (chunk) => (stderr += chunk));
    const lines = createInterface({ input: started.stdout });
    const [firstLine] = (await Promise.race([
      once(lines, 'line'),
      once(started, 'exit').then(() => Promise.reject(new Error(`esdb-double exited before printing: ${stderr}`))),
    ])) as [string];
    return { started, firstLine, stderr: () => stderr };
  }

  it('prints its connection string alone on the first line, serves the real client, and stops on SIGTERM', async () => {
    const { started, firstLine, stderr } = await start('--idempotency-cache-size', '100');

    expect(firstLine).to.match(/^esdb:\/\/127\.0\.0\.1:\d+\?tls=false$/);
    client = EventStoreDBClient.connectionString(firstLine);
    const appended = await client.appendToStream('cli-check', event('Hello'));
    expect(appended.success).to.equal(true);

    const exited = once(started, 'exit');
    started.kill('SIGTERM');
    const [code] = (await exited) as [number | null];
    expect(code).to.equal(0);
    expect(stderr()).to.contain('lost when it stops');
  });

  it('serves as a server without BatchAppend with --classic-append-only: the client appends with Streams.Append', async () => {
    const { firstLine } = await start('--classic-append-only');
    client = EventStoreDBClient.connectionString(firstLine);
    await client.appendToStream('cli-classic', event('Hello'));
    // The client asked the server what it supports before its first append.
    const { port } = new URL(firstLine.replace(/^esdb:/, 'http:'));
    const features = new serverFeaturesGrpc.ServerFeaturesClient(`127.0.0.1:${port}`, credentials.createInsecure());
    try {
      const methods = await new Promise<string[]>((resolve, reject) =>
        features.getSupportedMethods(new sharedPb.Empty(), (error, answer) =>
          error ? reject(error) : resolve(answer.getMethodsList().map((method) => method.getMethodName())),
        ),
      );
      expect(methods).to.include('append');
      expect(methods).not.to.include('batchappend');
    } finally {
      features.close();
    }
  });
});
