import { setFlagsFromString } from 'node:v8';
import type { Command } from 'commander';
import { allProjections, projectionByName } from '../../projections/all.ts';
import { comparePositions, START } from '../../domain/ports/event-store.ts';
import type { Ledger } from '../ledger.ts';
import { liveTarget } from '../workers/apply-batch.ts';
import { readCheckpoint } from '../workers/checkpoints.ts';
import { listDeadLetters } from '../workers/dead-letters.ts';
import { LAG_CAP, sampleProjections } from '../workers/projection-monitor.ts';
import { liveVersion } from '../workers/projection-versions.ts';
import { retryDeadLetters } from '../workers/retry-dead-letters.ts';
import { rebuildProjections } from '../workers/rebuild.ts';
import { startLiveWorkers } from '../workers/live-workers.ts';
import { createLogger } from '../logger.ts';
import { positiveCount, projectionNameArgument } from './arguments.ts';
import { printJsonLine } from './output.ts';

export function registerProjectionCommands(program: Command, withLedger: (run: (ledger: Ledger) => Promise<void>) => Promise<void>): void {
  const projections = program.command('projections').description('read models built from the log');

  projections
    .command('status')
    .description('position, lag, version and set-aside events of each projection (one JSON line each)')
    .action(() =>
      withLedger(async (ledger) => {
        const db = ledger.database.db;
        const sample = await sampleProjections({
          store: ledger.store,
          db,
          diagnostics: ledger.diagnostics,
          projections: allProjections,
          stallSeconds: ledger.config.projectionStallSeconds,
        });
        for (const health of sample.projections) {
          const projection = projectionByName(health.projection);
          const checkpoint = await readCheckpoint(db, projection.name);
          const version = await liveVersion(db, projection);
          const lag = health.behindEvents + health.notYetVisible;
          printJsonLine({
            projection: projection.name,
            position: comparePositions(checkpoint.position, START) === 0 ? null : checkpoint.position,
            eventsApplied: checkpoint.eventsApplied,
            // Events still to apply, counting those committed but not yet visible to readers.
            lag: health.behindEvents >= LAG_CAP || health.notYetVisible >= LAG_CAP ? `>=${lag}` : lag,
            notYetVisible: health.notYetVisible,
            // The open transaction on the server those wait for, when there are any.
            waitingFor: health.notYetVisible > 0 ? (sample.log?.holder ?? null) : null,
            secondsBehind: Math.round(health.behindSeconds),
            stalled: health.stalled,
            version: { tables: version.builtBy, code: version.current, outdated: version.outdated },
            setAside: health.setAside,
            updatedAt: checkpoint.updatedAt,
            lastError: checkpoint.lastError,
          });
        }
      }),
    );

  projections
    .command('run')
    .description('keep every projection and the re-router current, without HTTP, until SIGTERM or SIGINT (for `RUN_PROJECTIONS=false` on the servers)')
    .action(() =>
      withLedger(async (ledger) => {
        const logger = createLogger(ledger.config.logLevel);
        const workers = startLiveWorkers(ledger, logger);
        logger.info({ store: ledger.database.description, projections: allProjections.map((p) => p.name) }, 'projections running');
        const signal = await new Promise<NodeJS.Signals>((resolve) => {
          process.once('SIGTERM', resolve);
          process.once('SIGINT', resolve);
        });
        logger.info({ signal }, 'stopping projections');
        setTimeout(() => {
          process.stderr.write(`Shutdown did not finish within ${ledger.config.shutdownTimeoutMs} ms (SHUTDOWN_TIMEOUT_MS); exiting\n`);
          process.exit(1);
        }, ledger.config.shutdownTimeoutMs).unref();
        await workers.stop();
        logger.info('stopped');
      }),
    );

  projections
    .command('rebuild')
    .description('replay the log into fresh tables, swap them in, and report whether they equal the live ones (exit 3 if they differed, 4 if events were set aside); several projections are rebuilt with one read of the log')
    .addArgument(projectionNameArgument('[names...]', 'the projections (default: all)'))
    .option('--batch <n>', 'events read from the log at a time', positiveCount, 2500)
    .action((names: string[], options: { batch: number }) => {
      // What a rebuild keeps live is its start-up and one batch (about 40 MB after a full
      // collection, however long the log), but V8 lets the old generation grow to up to four times
      // what survived the last full collection before it collects again, and a batch held across
      // its writes is promoted there each time: 100,000 events peaked near 420 MiB RSS. Twice is
      // enough (about 320 MiB; 210-230 with the --max-semi-space-size=16 of bin/ledger.js). It is no limit: the heap
      // may still grow to whatever a batch needs. It can only be set once V8 runs, for this command alone.
      setFlagsFromString('--heap-growing-percent=100');
      return withLedger(async (ledger) => {
        const selected = names.length ? [...new Set(names)].map((name) => projectionByName(name)) : allProjections;
        const lastShown = new Map<string, number>();
        const reports = await rebuildProjections(ledger.store, ledger.database.db, selected, ledger.projectionContext, {
          leases: ledger.leases,
          batchSize: options.batch,
          onProgress: (name, phase, applied) => {
            const shown = lastShown.get(name) ?? 0;
            if (applied - shown >= 1000 || applied < shown) {
              lastShown.set(name, applied);
              process.stderr.write(`${name}: ${phase === 'live' ? 'bringing live tables to the head' : 'replayed'} ${applied} events\n`);
            }
          },
        });
        const peakRssMiB = Math.round(process.resourceUsage().maxRSS / 1024);
        for (const report of reports) {
          printJsonLine({
            ...report,
            seconds: Number(report.seconds.toFixed(3)),
            eventsPerSecond: report.seconds > 0 ? Math.round(report.eventsApplied / report.seconds) : null,
            peakRssMiB,
          });
        }
        // Tables differing from a replay mean the live ones had drifted; set-aside events need a look.
        if (reports.some((report) => report.equal === false)) process.exitCode = 3;
        else if (reports.some((report) => report.setAside.length)) process.exitCode = 4;
      });
    });

  projections
    .command('failures')
    .description('events set aside because a projection could not apply them (one JSON line each, oldest first)')
    .addArgument(projectionNameArgument('[name]', 'one projection (default: all)'))
    .option('--all', 'include those a retry has since applied')
    .action((name: string | undefined, options: { all?: boolean }) =>
      withLedger(async (ledger) => {
        const projection = name === undefined ? undefined : projectionByName(name).name;
        for (const letter of await listDeadLetters(ledger.database.db, { projection, includeResolved: options.all === true })) {
          const { id: _id, ...shown } = letter;
          printJsonLine(shown);
        }
      }),
    );

  projections
    .command('retry')
    .description("apply a projection's set-aside events again (after fixing what made them fail); prints one JSON line each, exit 4 if any fail again")
    .addArgument(projectionNameArgument('<name>', 'the projection'))
    .action((name: string) =>
      withLedger(async (ledger) => {
        const target = liveTarget(projectionByName(name), ledger.projectionContext);
        const outcomes = await retryDeadLetters(ledger.store, ledger.database.db, target);
        for (const outcome of outcomes) printJsonLine(outcome);
        if (outcomes.some((outcome) => !outcome.resolved)) process.exitCode = 4;
      }),
    );
}
