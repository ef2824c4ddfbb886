import { nextDueAt, type OwnClaims } from '../../../../domain/dunning/due.ts';
import { DUNNING_STREAM_PREFIX } from '../../../../domain/dunning/planned-event.ts';
import { evolveDunning, INITIAL_DUNNING_STATE, type DunningState } from '../../../../domain/dunning/state.ts';
import { START, type EventStore, type GlobalPosition } from '../../../../domain/ports/event-store.ts';

const PAGE = 500;

interface Entry {
  readonly state: DunningState;
  /** The last revision folded in (-1n: none); null: unknown, reload the stream before trusting it. */
  readonly revision: bigint | null;
  readonly nextDue: number | null;
  /** After a failed attempt: nothing is tried for this tenant before then. */
  readonly notBefore: number | null;
}

/**
 * Which tenants have a dunning step due, and when the next one falls due: an index of the timers,
 * which live in the `dunning-<tenantId>` streams. A new instance builds it by reading those
 * streams from the start of the log; it then follows them (so steps another instance recorded are
 * seen) and takes the fresh state of every stream it loads itself. It only says where to look:
 * every step is decided again on the stream as read just before acting.
 */
export function createTimerIndex(ownClaims: OwnClaims = null) {
  const entries = new Map<string, Entry>();
  let cursor: GlobalPosition = START;

  const put = (tenantId: string, state: DunningState, revision: bigint | null, notBefore: number | null = null) => {
    entries.set(tenantId, { state, revision, nextDue: revision === null ? 0 : nextDueAt(state, ownClaims), notBefore });
  };

  return {
    /** Folds what was recorded in the dunning streams since the last call. */
    async catchUp(store: EventStore): Promise<void> {
      for (;;) {
        const page = await store.readAll({ after: cursor, streamPrefixes: [DUNNING_STREAM_PREFIX], limit: PAGE });
        for (const event of page) {
          const tenantId = event.streamName.slice(DUNNING_STREAM_PREFIX.length);
          const entry = entries.get(tenantId);
          const revision = entry ? entry.revision : -1n;
          if (revision === null || event.revision <= revision) continue;
          if (event.revision === revision + 1n) put(tenantId, evolveDunning(entry?.state ?? INITIAL_DUNNING_STATE, event), event.revision, entry?.notBefore ?? null);
          else put(tenantId, INITIAL_DUNNING_STATE, null);
        }
        const last = page.at(-1);
        if (last) cursor = last.position;
        if (page.length < PAGE) return;
      }
    },
    /** The state of a stream as just read or written (`revision` -1n: the stream is empty). */
    set(tenantId: string, state: DunningState, revision: bigint): void {
      const known = entries.get(tenantId)?.revision;
      if (known === undefined || known === null || revision >= known) put(tenantId, state, revision);
    },
    /** Another instance moved the stream, or reading it failed: reload it next time. */
    invalidate(tenantId: string, notBefore: number | null = null): void {
      const entry = entries.get(tenantId);
      put(tenantId, entry?.state ?? INITIAL_DUNNING_STATE, null, notBefore);
    },
    /** Tenants with something due at `now` (Unix seconds), soonest first. */
    due(now: number): string[] {
      return [...entries]
        .filter(([, entry]) => entry.nextDue !== null && entry.nextDue <= now && (entry.notBefore === null || entry.notBefore <= now))
        .sort(([, a], [, b]) => (a.nextDue ?? 0) - (b.nextDue ?? 0))
        .map(([tenantId]) => tenantId);
    },
    /** When something next falls due for any tenant (Unix seconds), or null. */
    nextDue(): number | null {
      let next: number | null = null;
      for (const entry of entries.values()) {
        if (entry.nextDue === null) continue;
        const at = Math.max(entry.nextDue, entry.notBefore ?? entry.nextDue);
        if (next === null || at < next) next = at;
      }
      return next;
    },
  };
}

export type TimerIndex = ReturnType<typeof createTimerIndex>;
