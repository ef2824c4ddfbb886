import { TENANT_STREAM_PREFIX } from '../../domain/routing/streams.ts';
import { comparePositions, type EventStore, type GlobalPosition } from '../../domain/ports/event-store.ts';
import type { ProjectionDb } from '../../projections/projection.ts';
import { CheckpointMovedError, type ProjectionTarget } from './apply-batch.ts';
import { readCheckpoint } from './checkpoints.ts';
import { applyOrSetAside, DEFAULT_SET_ASIDE_POLICY, type SetAsideEvent, type SetAsidePolicy } from './set-aside.ts';

const BATCH_SIZE = 500;

/** One of the targets `catchUpTogether` brings forward, and how far. */
export interface TogetherTarget {
  readonly target: ProjectionTarget;
  /** Stop at this position (inclusive) instead of the visible head. */
  readonly until?: GlobalPosition | undefined;
  /** Awaited after each batch applied to this target, with its events applied so far. */
  readonly afterBatch?: (applied: number) => Promise<void>;
  /**
   * How far an earlier call read the log for it: past its checkpoint when the batches read held
   * none of its events (a projection of rare streams), so a second call need not read them again.
   */
  readonly readUpTo?: GlobalPosition | undefined;
}

interface TogetherState extends TogetherTarget {
  /** Where the target's checkpoint row stands, as this reader left it. */
  checkpoint: GlobalPosition;
  /** How far the log has been read for it: past its checkpoint when a batch held none of its events. */
  cursor: GlobalPosition;
  applied: number;
  readonly setAside: SetAsideEvent[];
}

/**
 * The streams to ask the store for; undefined, every stream, once the tenant streams are among
 * them. Those hold nearly the whole log, so reading the rest too costs little, and the read is
 * then by position alone: one plan that cannot go wrong. Asked for by prefix, Postgres must guess
 * how many rows match each, and without statistics on the log (never analysed, or just loaded) it
 * guesses few, scans and sorts every matching row for each batch: fifty times slower.
 */
function prefixFilter(states: readonly TogetherState[]): string[] | undefined {
  const prefixes = [...new Set(states.flatMap((s) => s.target.projection.streamPrefixes))];
  return prefixes.includes(TENANT_STREAM_PREFIX) ? undefined : prefixes;
}

const laterOf = (a: GlobalPosition, b: GlobalPosition) => (comparePositions(a, b) >= 0 ? a : b);
const reached = (state: TogetherState) => state.until !== undefined && comparePositions(state.cursor, state.until) >= 0;

/**
 * Brings targets to the head (or each to its `until`), setting aside what they cannot apply,
 * reading the log once for them all: each batch (of the streams any of them reads) is read and
 * parsed once and handed to every target still behind, each taking the events past its own checkpoint, of its own streams, up to its own `until`. Each
 * target keeps its own checkpoint row, moved in the transaction that writes its part of the
 * batch, and sets aside by itself what it cannot apply, so an interrupted run resumes each from
 * where it stood. Returns, in the targets' order, what each applied and set aside, and how far the
 * log was read for it.
 */
export async function catchUpTogether(
  store: EventStore,
  db: ProjectionDb,
  targets: readonly TogetherTarget[],
  options: { readonly batchSize?: number; readonly setAside?: SetAsidePolicy } = {},
): Promise<{ applied: number; setAside: SetAsideEvent[]; readUpTo: GlobalPosition }[]> {
  const policy = options.setAside ?? DEFAULT_SET_ASIDE_POLICY;
  const states: TogetherState[] = [];
  for (const t of targets) {
    const { position } = await readCheckpoint(db, t.target.checkpointName);
    states.push({ ...t, checkpoint: position, cursor: t.readUpTo ? laterOf(position, t.readUpTo) : position, applied: 0, setAside: [] });
  }
  let behind = states.filter((s) => !reached(s));
  while (behind.length) {
    policy.signal?.throwIfAborted();
    const from = behind.map((s) => s.cursor).reduce((a, b) => (comparePositions(a, b) <= 0 ? a : b));
    const events = await store.readAll({ after: from, streamPrefixes: prefixFilter(behind), limit: options.batchSize ?? BATCH_SIZE });
    const last = events.at(-1)?.position;
    if (!last) break;
    // Each target writes its own tables under its own checkpoint: their transactions do not
    // meet, and on a server they overlap this process's work with the database's.
    const outcomes = await Promise.allSettled(
      behind.map(async (state) => {
        const { cursor, until } = state;
        const prefixes = state.target.projection.streamPrefixes;
        const mine = events.filter(
          (e) => comparePositions(e.position, cursor) > 0 && (!until || comparePositions(e.position, until) <= 0) && prefixes.some((p) => e.streamName.startsWith(p)),
        );
        if (mine.length) {
          try {
            const aside = await applyOrSetAside(db, state.target, state.checkpoint, mine, policy);
            state.setAside.push(...aside);
            state.applied += mine.length - aside.length;
            state.checkpoint = mine.at(-1)!.position;
          } catch (error) {
            if (!(error instanceof CheckpointMovedError)) throw error;
            // Another runner applied to this target first: read on for it from where it left it.
            state.checkpoint = state.cursor = (await readCheckpoint(db, state.target.checkpointName)).position;
            return;
          }
          await state.afterBatch?.(state.applied);
        }
        // Read up to `last` for it, or only to `until`: what lies beyond is not applied yet.
        state.cursor = laterOf(state.cursor, until && comparePositions(last, until) > 0 ? until : last);
      }),
    );
    // Thrown once every target's transaction has ended, none left running behind the error.
    const failed = outcomes.find((outcome) => outcome.status === 'rejected');
    if (failed) throw failed.reason;
    behind = behind.filter((s) => !reached(s));
  }
  return states.map(({ applied, setAside, cursor }) => ({ applied, setAside, readUpTo: cursor }));
}
