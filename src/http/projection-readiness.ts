import type { MonitorSnapshot } from '../workers/projection-monitor.ts';

/**
 * What /readyz says about projections and the log, from the monitor's latest sample. These make
 * the instance `degraded`, not unready: it still takes webhooks (which is what Stripe needs) and
 * answers the API from what the read models hold, so a load balancer should keep sending to it,
 * while people are told what is behind and why.
 */
export function projectionReadiness(snapshot: MonitorSnapshot | null): { degraded: boolean; problems: string[]; projections: Record<string, unknown> } {
  if (!snapshot) return { degraded: false, problems: [], projections: {} };
  const problems: string[] = [];
  const projections: Record<string, unknown> = {};
  for (const p of snapshot.projections) {
    projections[p.projection] = {
      behind_events: p.behindEvents,
      behind_seconds: Math.round(p.behindSeconds),
      not_yet_visible: p.notYetVisible,
      set_aside: p.setAside,
      stalled: p.stalled,
      upgrading: p.outdated,
    };
    if (p.stalled) problems.push(`${p.projection} has not moved for over its stall limit with ${p.behindEvents} events waiting${p.lastError ? ` (last error: ${p.lastError})` : ''}`);
    if (p.setAside) problems.push(`${p.projection} has ${p.setAside} event(s) set aside: see \`ledger projections failures\``);
    if (p.outdated) problems.push(`${p.projection} is being rebuilt for a new version; the API answers from its previous tables meanwhile`);
  }
  const holder = snapshot.log?.holder;
  if (snapshot.log?.stalled && holder) {
    problems.push(
      `${snapshot.log.notYetVisible} committed event(s) wait for an open transaction on the server (pid ${holder.pid}, database ${holder.database ?? 'unknown'}, ${holder.state ?? 'state unknown'}, open ${Math.round(holder.transactionSeconds ?? 0)} s)`,
    );
  }
  if (snapshot.error) problems.push(`projection monitor: ${snapshot.error}`);
  return { degraded: problems.length > 0, problems, projections };
}
