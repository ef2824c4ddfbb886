import type { Command } from 'commander';
import { allProjections, projectionByName } from '../../projections/all.ts';
import { comparePositions, START, type EventStore, type GlobalPosition } from '../../domain/ports/event-store.ts';
import type { Ledger } from '../ledger.ts';
import { readCheckpoint } from '../workers/checkpoints.ts';
import { rebuildProjection } from '../workers/rebuild.ts';
import { projectionNameArgument } from './arguments.ts';
import { printJsonLine } from './output.ts';

const LAG_COUNT_LIMIT = 100_000;

/** Events a projection has still to apply, counted up to a limit (past it, "≥ limit"). */
async function countAfter(store: EventStore, after: GlobalPosition, streamPrefixes: readonly string[]): Promise<number> {
  let count = 0;
  let position = after;
  while (count < LAG_COUNT_LIMIT) {
    const page = await store.readAll({ after: position, streamPrefixes, limit: 1000 });
    if (!page.length) break;
    count += page.length;
    position = page.at(-1)!.position;
  }
  return count;
}

export function registerProjectionCommands(program: Command, withLedger: (run: (ledger: Ledger) => Promise<void>) => Promise<void>): void {
  const projections = program.command('projections').description('read models built from the log');

  projections
    .command('status')
    .description('position and lag of each projection (one JSON line each)')
    .action(() =>
      withLedger(async (ledger) => {
        for (const projection of allProjections) {
          const checkpoint = await readCheckpoint(ledger.database.db, projection.name);
          const lag = await countAfter(ledger.store, checkpoint.position, projection.streamPrefixes);
          printJsonLine({
            projection: projection.name,
            position: comparePositions(checkpoint.position, START) === 0 ? null : checkpoint.position,
            eventsApplied: checkpoint.eventsApplied,
            lag: lag >= LAG_COUNT_LIMIT ? `>=${LAG_COUNT_LIMIT}` : lag,
            updatedAt: checkpoint.updatedAt,
            lastError: checkpoint.lastError,
          });
        }
      }),
    );

  projections
    .command('rebuild')
    .description('replay the log into fresh tables, swap them in, and report whether they equal the live ones')
    .addArgument(projectionNameArgument('[name]', 'one projection (default: all)'))
    .action((name: string | undefined) =>
      withLedger(async (ledger) => {
        const selected = name ? [projectionByName(name)] : allProjections;
        let failed = false;
        for (const projection of selected) {
          let lastShown = 0;
          const report = await rebuildProjection(ledger.store, ledger.database.db, projection, ledger.projectionContext, (phase, applied) => {
            if (applied - lastShown >= 1000 || applied < lastShown) {
              lastShown = applied;
              process.stderr.write(`${projection.name}: ${phase === 'live' ? 'bringing live tables to the head' : 'replayed'} ${applied} events\n`);
            }
          });
          printJsonLine({
            ...report,
            seconds: Number(report.seconds.toFixed(3)),
            eventsPerSecond: report.seconds > 0 ? Math.round(report.eventsApplied / report.seconds) : null,
            peakRssMiB: Math.round(process.resourceUsage().maxRSS / 1024),
          });
          if (!report.equal) failed = true;
        }
        // Tables differing from a replay mean the live ones had drifted: worth a non-zero exit.
        if (failed) process.exitCode = 3;
      }),
    );
}
