import type { Kysely } from 'kysely';
import type { DomainEvent } from '../domain/events/catalogue.ts';
import type { RecordedEvent } from '../domain/ports/event-store.ts';

/** A Kysely handle whose unqualified tables resolve to the schema the projection writes into. */
// eslint-disable-next-line @typescript-eslint/no-explicit-any
export type ProjectionDb = Kysely<any>;

/** What handlers may know beyond the event: configuration that is the same on every replay. */
export interface ProjectionContext {
  /** The catalogue plan sold at this Stripe price, if any. */
  planIdForPrice(priceId: string | null): string | null;
}

/**
 * A read model: the tables it owns and how each event changes them. Handlers must depend only
 * on the event, the rows already written and the context (never on now() or other tables), so a
 * rebuild from the log ends equal to the live tables.
 */
export interface Projection {
  readonly name: string;
  /** Streams it reads, by name prefix. */
  readonly streamPrefixes: readonly string[];
  /** Tables it owns, each with a primary key (rebuild compares and swaps them). */
  readonly tables: readonly string[];
  /** Creates its tables (if missing) in `schema`. */
  createTables(db: ProjectionDb, schema: string): Promise<void>;
  /** Applies one event inside the batch's transaction; `db` is scoped to the target schema. */
  apply(db: ProjectionDb, event: DomainEvent, recorded: RecordedEvent, context: ProjectionContext): Promise<void>;
}
