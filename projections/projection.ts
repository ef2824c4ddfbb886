import type { Kysely } from 'kysely';
import type { DomainEvent, DomainEventType } from '../domain/events/catalogue.ts';
import type { RecordedEvent } from '../domain/ports/event-store.ts';

/** A Kysely handle whose unqualified tables resolve to the schema the projection writes into. */
// eslint-disable-next-line @typescript-eslint/no-explicit-any
export type ProjectionDb = Kysely<any>;

/** What handlers may know beyond the event: configuration that is the same on every replay. */
export interface ProjectionContext {
  /** The catalogue plan sold at this Stripe price, if any. */
  planIdForPrice(priceId: string | null): string | null;
}

/** An event from the log, parsed, with where it was recorded. */
export interface ProjectedEvent {
  readonly event: DomainEvent;
  readonly recorded: RecordedEvent;
}

/**
 * A read model: the tables it owns and how each event changes them. Handlers must depend only
 * on the event, the rows already written and the context (never on now() or other tables), so a
 * rebuild from the log ends equal to the live tables.
 */
export interface Projection {
  readonly name: string;
  /**
   * The version of what its tables hold. Raise it whenever a change to its tables or handlers
   * changes what a replay would store: the runner then rebuilds it from the log into new tables
   * and swaps them in, never patching old ones. Until the swap, queries read the previous
   * version's tables, so a query must treat columns added since version 1 as possibly missing.
   */
  readonly version: number;
  /** Streams it reads, by name prefix. */
  readonly streamPrefixes: readonly string[];
  /** Tables it owns, each with a primary key (rebuild compares and swaps them). */
  readonly tables: readonly string[];
  /** Event types its handlers read: the runner skips the others without parsing them. */
  readonly eventTypes: ReadonlySet<DomainEventType>;
  /**
   * Creates its tables (if missing) in `schema` with their keys and unique constraints, and every
   * index `applyBatch` reads rows by: without those, each batch's lookups would scan tables the
   * rebuild is filling, quadratic over the log. Not the indexes of `createIndexes`.
   */
  createTables(db: ProjectionDb, schema: string): Promise<void>;
  /**
   * Creates (if missing) the indexes in `schema` that only its readers use (the API, finance),
   * none that `applyBatch` reads by. Live tables get them with the tables; a rebuild builds them
   * once its shadow tables are loaded, in one sort each instead of an index entry per row written.
   */
  createIndexes(db: ProjectionDb, schema: string): Promise<void>;
  /**
   * Applies a batch's events, in log order, inside the batch's transaction; `db` is scoped to the
   * target schema. The effect must be that of applying them one at a time. Each projection does
   * it the same way, because round trips are what a batch costs: read the rows the batch may
   * touch in a few queries, fold the events over them in memory with pure evolve functions, and
   * write each changed row once.
   */
  applyBatch(db: ProjectionDb, events: readonly ProjectedEvent[], context: ProjectionContext): Promise<void>;
}
