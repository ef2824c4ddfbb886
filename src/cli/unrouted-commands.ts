import type { Command } from 'commander';
import { routingProjection } from '../../projections/routing/projection.ts';
import type { Ledger } from '../ledger.ts';
import { catchUpLive } from '../workers/live-projections.ts';
import { rerouteParkedEvents } from '../workers/rerouter.ts';
import { printJsonLine } from './output.ts';

/** The routing tables as of now: a stopped server may have left them behind the log. */
const routingUpToDate = (ledger: Ledger) => catchUpLive(ledger, [routingProjection]);

export function registerUnroutedCommands(program: Command, withLedger: (run: (ledger: Ledger) => Promise<void>) => Promise<void>): void {
  const unrouted = program.command('unrouted').description('verified events parked until their tenant is known');

  unrouted
    .command('list')
    .description('one JSON line per parked event not yet re-routed')
    .action(() =>
      withLedger(async (ledger) => {
        await routingUpToDate(ledger);
        for (const parked of await ledger.routing.parked()) printJsonLine(parked);
      }),
    );

  unrouted
    .command('reroute')
    .description('copy parked events whose tenant is now known into its stream (`serve` does this continuously)')
    .action(() =>
      withLedger(async (ledger) => {
        await routingUpToDate(ledger);
        printJsonLine({ rerouted: await rerouteParkedEvents(ledger.store, ledger.routing) });
      }),
    );
}
