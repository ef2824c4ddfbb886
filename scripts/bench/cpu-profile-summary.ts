/**
 * Where a V8 CPU profile (`node --cpu-prof`) spent its time: self time by who owns the code (a
 * package in node_modules, a part of Node, a file of ours; native code counts for the JavaScript
 * that called it) and by coarse kind of work, as shares of the time the thread was busy.
 */

interface ProfileNode {
  readonly id: number;
  readonly callFrame: { readonly functionName: string; readonly url: string; readonly lineNumber: number };
  readonly children?: readonly number[];
}

export interface CpuProfile {
  /** Microseconds of the monotonic clock (CLOCK_MONOTONIC, as process.hrtime reads it). */
  readonly startTime: number;
  readonly nodes: readonly ProfileNode[];
  readonly samples: readonly number[];
  readonly timeDeltas: readonly number[];
}

export interface Share {
  readonly name: string;
  readonly ms: number;
  /** Of the busy time (idle left out). */
  readonly share: number;
}

export interface ProfileSummary {
  readonly busyMs: number;
  readonly idleMs: number;
  readonly byKind: readonly Share[];
  readonly byOwner: readonly Share[];
  readonly topFunctions: readonly Share[];
}

/** The coarse kinds a webhook's work falls into; the first rule that matches an owner wins. */
const KINDS: readonly [kind: string, test: (owner: string) => boolean][] = [
  ['Postgres wire protocol (pg, pg-protocol, pg-pool)', (o) => /^(pg|pg-protocol|pg-pool|pg-types|pg-connection-string|postgres-\w+)$/.test(o)],
  ['HTTP (fastify and its parts, node:http)', (o) => /fastify|find-my-way|light-my-request|avvio|^node:_http|^node:http/.test(o)],
  ['sockets and streams (node:net, node:stream)', (o) => /^node:(net|stream|internal\/stream|internal\/net|internal\/streams)/.test(o)],
  ['validation (zod)', (o) => o === 'zod'],
  ['logging (pino)', (o) => /^pino|^sonic-boom|thread-stream/.test(o)],
  ['query building (kysely)', (o) => o === 'kysely'],
  ['crypto (signature, hashing)', (o) => /crypto/.test(o)],
  ['garbage collection', (o) => o === '(garbage collector)'],
  ['V8 and native (program)', (o) => o === '(program)' || o === '(native)'],
  ['the ledger (src, adapters, domain, projections)', (o) => /^(src|adapters|domain|projections)\//.test(o)],
  ['other Node internals', (o) => o.startsWith('node:')],
];

/** Who owns a frame: `(garbage collector)`, `node:<module>`, a package name, or a path of ours. */
export function ownerOf(frame: ProfileNode['callFrame']): string {
  const { url, functionName } = frame;
  if (!url) return functionName.startsWith('(') ? functionName : '(native)';
  const packaged = /node_modules\/((?:@[^/]+\/)?[^/]+)\//.exec(url);
  if (packaged) return packaged[1]!;
  if (url.startsWith('node:')) return url.replace(/^node:internal\/(deps\/)?/, 'node:internal/').split('/').slice(0, 3).join('/');
  const ours = /\/((?:src|adapters|domain|projections|scripts)\/.*)$/.exec(url);
  return ours ? ours[1]! : url;
}

const kindOf = (owner: string) => KINDS.find(([, test]) => test(owner))?.[0] ?? 'other';

function shares(totals: Map<string, number>, busyMs: number, limit: number): Share[] {
  return [...totals]
    .map(([name, ms]) => ({ name, ms, share: busyMs > 0 ? ms / busyMs : 0 }))
    .sort((a, b) => b.ms - a.ms)
    .slice(0, limit);
}

/**
 * `window`: only samples taken between these instants (microseconds of the monotonic clock, the
 * same in every process on Linux: `process.hrtime.bigint() / 1000n` in the process that drove
 * the load), so start-up and warm-up do not blur the steady state.
 */
export function summariseCpuProfile(profile: CpuProfile, window: { readonly fromUs: number; readonly toUs: number } | null = null, limit = 15): ProfileSummary {
  const byId = new Map(profile.nodes.map((node) => [node.id, node]));
  const parentOf = new Map<number, number>();
  for (const node of profile.nodes) for (const child of node.children ?? []) parentOf.set(child, node.id);
  // Native code (a socket write, a JSON.parse, a hash) is charged to the code that asked for it:
  // the nearest caller outside Node's own modules (pg writing a query, fastify a response).
  const chargedFrame = (id: number): ProfileNode['callFrame'] => {
    const own = byId.get(id)!.callFrame;
    if (own.url || own.functionName.startsWith('(')) return own;
    let nearest: ProfileNode['callFrame'] | null = null;
    for (let up = parentOf.get(id); up !== undefined; up = parentOf.get(up)) {
      const frame = byId.get(up)!.callFrame;
      if (!frame.url) continue;
      nearest ??= frame;
      if (!frame.url.startsWith('node:')) return frame;
    }
    return nearest ?? own;
  };
  const selfUs = new Map<number, number>();
  let at = profile.startTime;
  profile.samples.forEach((id, i) => {
    const delta = profile.timeDeltas[i] ?? 0;
    at += delta;
    if (window && (at < window.fromUs || at > window.toUs)) return;
    selfUs.set(id, (selfUs.get(id) ?? 0) + delta);
  });
  let idleMs = 0;
  const byKind = new Map<string, number>();
  const byOwner = new Map<string, number>();
  const byFunction = new Map<string, number>();
  for (const [id, us] of selfUs) {
    const frame = byId.get(id)!.callFrame;
    const ms = us / 1000;
    if (frame.functionName === '(idle)') {
      idleMs += ms;
      continue;
    }
    const owner = ownerOf(chargedFrame(id));
    byOwner.set(owner, (byOwner.get(owner) ?? 0) + ms);
    const kind = kindOf(owner);
    byKind.set(kind, (byKind.get(kind) ?? 0) + ms);
    const name = `${frame.functionName || '(anonymous)'} (${frame.url ? `${ownerOf(frame)}:${frame.lineNumber + 1}` : `native, called from ${owner}`})`;
    byFunction.set(name, (byFunction.get(name) ?? 0) + ms);
  }
  const busyMs = [...byKind.values()].reduce((a, b) => a + b, 0);
  return { busyMs, idleMs, byKind: shares(byKind, busyMs, KINDS.length + 1), byOwner: shares(byOwner, busyMs, limit), topFunctions: shares(byFunction, busyMs, limit) };
}

export function formatShares(title: string, list: readonly Share[]): string {
  const lines = list.map((s) => `  ${(s.share * 100).toFixed(1).padStart(5)} %  ${s.ms.toFixed(0).padStart(7)} ms  ${s.name}`);
  return [title, ...lines].join('\n');
}
