import type { RecentEventsCache } from './recent-events-cache.ts';
import type { EsdbDoubleState } from './state.ts';

/*
 * What a node decides before it writes an append, as its index writer's commit check does.
 *
 * - `any` / `stream_exists`: the append is a no-op ("idempotent") only when EVERY event id is in
 *   the recent-events cache for this same stream. If the first id is not, the events are written
 *   again (a duplicate). If the first is but a later one is not, the append is refused as a wrong
 *   expected version. `stream_exists` on a stream with no events (and no metadata) is refused
 *   before that.
 * - an exact revision (including `no_stream`, which is -1) behind the stream's end: each event must
 *   already sit at the revision it would get, found through the cache or by reading the stream,
 *   so a retry with the same ids and the same expected revision stays a no-op however old the
 *   original write is. Otherwise: wrong expected version.
 * - an exact revision ahead of the end: wrong expected version; equal to it: written.
 */

export const EXPECTED_ANY = -2n;
export const EXPECTED_NO_STREAM = -1n;
export const EXPECTED_STREAM_EXISTS = -4n;

export type CommitDecision =
  | { readonly kind: 'write'; readonly current: bigint }
  | { readonly kind: 'already-written'; readonly first: bigint; readonly last: bigint }
  | { readonly kind: 'wrong-expected-version'; readonly current: bigint };

const metastreamOf = (stream: string) => `$$${stream}`;

export function checkCommit(
  state: EsdbDoubleState,
  cache: RecentEventsCache,
  stream: string,
  expected: bigint,
  eventIds: readonly string[],
): CommitDecision {
  const current = state.lastRevision(stream);
  const wrong = { kind: 'wrong-expected-version', current } as const;

  if (expected === EXPECTED_STREAM_EXISTS && current < 0n && state.lastRevision(metastreamOf(stream)) < 0n) {
    return wrong;
  }

  if (expected === EXPECTED_ANY || expected === EXPECTED_STREAM_EXISTS) {
    let first: bigint | undefined;
    let last = -1n;
    for (const id of eventIds) {
      const cached = cache.get(id);
      if (!cached || cached.stream !== stream) return first === undefined ? { kind: 'write', current } : wrong;
      first ??= cached.revision;
      last = cached.revision;
    }
    return first === undefined ? { kind: 'write', current } : { kind: 'already-written', first, last };
  }

  if (expected < current) {
    let revision = expected;
    for (const id of eventIds) {
      revision += 1n;
      const cached = cache.get(id);
      if (cached && cached.stream === stream && cached.revision === revision) continue;
      if (state.event(stream, revision)?.id === id) continue;
      return wrong;
    }
    if (revision === expected) return wrong;
    return { kind: 'already-written', first: expected + 1n, last: revision };
  }

  if (expected > current) return wrong;
  return { kind: 'write', current };
}
