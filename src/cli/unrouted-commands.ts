import type { Command } from 'commander';
import type { Ledger } from '../ledger.ts';
import { rerouteParkedEvents } from '../workers/rerouter.ts';
import { printJsonLine } from './output.ts';

export function registerUnroutedCommands(program: Command, withLedger: (run: (ledger: Ledger) => Promise<void>) => Promise<void>): void {
  const unrouted = program.command('unrouted').description('verified events parked until their tenant is known');

  unrouted
    .command('list')
    .description('one JSON line per parked event not yet re-routed (as of the routing projection)')
    .action(() =>
      withLedger(async (ledger) => {
        for (const parked of await ledger.routing.parked()) printJsonLine(parked);
      }),
    );

  unrouted
    .command('reroute')
    .description('copy parked events whose tenant is now known into its stream (`serve` does this continuously)')
    .action(() =>
      withLedger(async (ledger) => {
        printJsonLine({ rerouted: await rerouteParkedEvents(ledger.store, ledger.routing) });
      }),
    );
}
