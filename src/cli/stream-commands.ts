import { constants } from 'node:os';
import { Argument, InvalidArgumentError, Option, type Command } from 'commander';
import { loadConfig } from '../config.ts';
import type { Ledger, OpenLedgerOptions } from '../ledger.ts';
import { checkStoreForCopy, openStoreForCopy, STORE_KINDS, type StoreForCopy, type StoreKind } from '../streams/open-store.ts';
import { runStreamsCopy, type CopyStatus } from '../streams/run-copy.ts';
import { positiveCount, streamName, wholeNumber } from './arguments.ts';
import { printJsonLine } from './output.ts';

const MAX_PAGE_SIZE = 10_000;

function pageSize(value: string): number {
  const n = positiveCount(value);
  if (n > MAX_PAGE_SIZE) throw new InvalidArgumentError(`Expected at most ${MAX_PAGE_SIZE}.`);
  return n;
}

/** Exit codes of `streams copy` besides 0: the stores differ (as `projections rebuild` uses 3 for drift). */
const EXIT_DIFFER = 3;

export function registerStreamCommands(
  program: Command,
  withLedger: (run: (ledger: Ledger) => Promise<void>, open?: Pick<OpenLedgerOptions, 'adoptEventLog'>) => Promise<void>,
): void {
  const streams = program.command('streams').description('the event log');

  streams
    .command('read')
    .description('one JSON line per event of a stream, oldest first (e.g. tenant-<id>, unrouted)')
    .addArgument(new Argument('<stream>', 'stream name').argParser(streamName))
    .addOption(new Option('--from <revision>', 'first revision to print').argParser(wholeNumber))
    .addOption(new Option('--limit <n>', 'at most n events').argParser(positiveCount))
    .action((stream: string, options: { from?: bigint; limit?: number }) =>
      withLedger(async (ledger) => {
        let from = options.from ?? 0n;
        let remaining = options.limit ?? Infinity;
        while (remaining > 0) {
          const page = await ledger.store.readStream(stream, { from, limit: Math.min(500, remaining) });
          for (const e of page) {
            printJsonLine({ stream: e.streamName, revision: e.revision, position: e.position, id: e.id, type: e.type, recordedAt: e.recordedAt, metadata: e.metadata, data: e.data });
          }
          if (page.length < Math.min(500, remaining)) break;
          remaining -= page.length;
          from = page.at(-1)!.revision + 1n;
        }
      }),
    );

  streams
    .command('copy')
    .description(
      'copy every stream, with its event ids and order, from one event store to the other; resumes where it stopped, ' +
        'then compares every stream in both (exit 3 if they differ). Progress on stderr, a JSON summary on stdout',
    )
    .addOption(new Option('--from <store>', 'the store holding the history').choices(STORE_KINDS).makeOptionMandatory())
    .addOption(new Option('--to <store>', 'the store to copy it into').choices(STORE_KINDS).makeOptionMandatory())
    .addOption(new Option('--page-size <n>', `events read at a time (1 to ${MAX_PAGE_SIZE})`).argParser(pageSize).default(500))
    .option('--restart', 'ignore the saved progress and go through the source from its start (events already in the target are recognised and skipped)')
    .action(async (options: { from: StoreKind; to: StoreKind; pageSize: number; restart?: boolean }, command: Command) => {
      if (options.from === options.to) command.error(`error: --from and --to must be different stores (both are '${options.from}')`);
      const config = loadConfig();
      checkStoreForCopy(options.from, config);
      checkStoreForCopy(options.to, config);
      await withLedger(async (ledger) => {
        const opened: StoreForCopy[] = [];
        const stopping = new AbortController();
        let signalled: NodeJS.Signals | undefined;
        const stop = (signal: NodeJS.Signals) => {
          // A second signal means now: the position of the last finished page is saved.
          if (signalled) process.exit(128 + (constants.signals[signal] ?? 0));
          signalled = signal;
          process.stderr.write(`streams copy: ${signal}: stopping after the page under way (again to stop at once)\n`);
          stopping.abort();
        };
        process.on('SIGINT', stop);
        process.on('SIGTERM', stop);
        try {
          for (const kind of [options.from, options.to]) opened.push(await openStoreForCopy(kind, config, ledger.database));
          const outcome = await runStreamsCopy({
            source: opened[0]!,
            target: opened[1]!,
            progressDb: ledger.database.db,
            pageSize: options.pageSize,
            restart: options.restart === true,
            signal: stopping.signal,
            leases: ledger.leases,
            writeLine: (line) => process.stderr.write(`${line}\n`),
          });
          printJsonLine(outcome.summary);
          process.exitCode = exitCodeOfCopy(outcome.status, signalled);
        } finally {
          process.off('SIGINT', stop);
          process.off('SIGTERM', stop);
          for (const store of opened) await store.close();
        }
      }, { adoptEventLog: false });
    });
}

/** 0 when the stores hold the same streams, 3 when they differ, 128 + the signal's number when stopped by one. */
export function exitCodeOfCopy(status: CopyStatus, signal: NodeJS.Signals | undefined): number {
  switch (status) {
    case 'equal':
      return 0;
    case 'differ':
    case 'diverged':
      return EXIT_DIFFER;
    case 'interrupted':
      return 128 + (signal ? (constants.signals[signal] ?? 0) : 0);
  }
}
