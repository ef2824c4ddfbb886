/**
 * Runs the EventStoreDB wire double alone, for trying the EventStoreDB adapter without a server:
 * `npm run --silent esdb-double -- [--port 2113] [--idempotency-cache-size <n>] [--max-append-bytes <n>]
 *   [--classic-append-only]`.
 * Prints its connection string alone on the first line of stdout; stops on SIGINT or SIGTERM.
 * What it implements: the header of scripts/esdb-double/server.ts.
 */
import { Command, Option } from 'commander';
import { z } from 'zod';
import { exitOnMistake, matching, positiveCount } from '../src/cli/arguments.ts';
import { startCommand } from '../src/cli/command-start.ts';
import { DEFAULT_MAX_APPEND_BYTES, startEsdbDouble } from './esdb-double/server.ts';

const port = matching(
  z
    .string()
    .regex(/^\d{1,5}$/, 'Expected a port: a whole number from 0 (any free port) to 65535.')
    .transform(Number)
    .refine((n) => n <= 65535, 'Expected a port: a whole number from 0 (any free port) to 65535.'),
);

async function main() {
  startCommand();
  const options = new Command('esdb-double')
    .description('An in-memory gRPC double of EventStoreDB for the real @eventstore/db-client')
    .exitOverride(exitOnMistake)
    .addOption(new Option('--port <port>', 'port to listen on (0: any free port)').argParser(port).default(2113))
    .addOption(new Option('--host <host>', 'address to listen on').default('127.0.0.1'))
    .addOption(
      new Option('--idempotency-cache-size <n>', "recent event ids remembered for idempotent appends (default: the server's 8 MiB bound)").argParser(
        positiveCount,
      ),
    )
    .addOption(
      new Option('--max-append-bytes <n>', 'largest append accepted, in bytes').argParser(positiveCount).default(DEFAULT_MAX_APPEND_BYTES),
    )
    .addOption(
      new Option('--classic-append-only', 'serve as a server without Streams.BatchAppend: clients append with Streams.Append').default(false),
    )
    .parse()
    .opts<{ port: number; host: string; idempotencyCacheSize?: number; maxAppendBytes: number; classicAppendOnly: boolean }>();

  const double = await startEsdbDouble(options);
  process.stdout.write(`${double.connectionString}\n`);
  process.stderr.write(
    'EventStoreDB double listening. Its data lives in memory only and is lost when it stops (SIGINT or SIGTERM).\n',
  );
  const stop = () => {
    void double.stop().then(() => process.exit(0));
  };
  process.once('SIGINT', stop);
  process.once('SIGTERM', stop);
}

main().catch((error: unknown) => {
  process.stderr.write(`esdb-double: ${error instanceof Error ? error.message : String(error)}\n`);
  process.exit(1);
});
