/**
 * One table's rows as a batch of events sees them: the rows read before the batch, overlaid by
 * those its events have written so far. Folding a batch over it and then storing `written()`
 * has the effect of applying the events one at a time, in a few statements instead of several
 * per event.
 */
export class BatchRows<Row> {
  readonly #keyOf: (row: Row) => string;
  readonly #read = new Map<string, Row>();
  readonly #written = new Map<string, Row>();

  constructor(keyOf: (row: Row) => string, read: Iterable<Row> = []) {
    this.#keyOf = keyOf;
    for (const row of read) this.#read.set(keyOf(row), row);
  }

  get(key: string): Row | undefined {
    return this.#written.get(key) ?? this.#read.get(key);
  }

  set(row: Row): void {
    this.#written.set(this.#keyOf(row), row);
  }

  /** Every row as it stands now. */
  all(): Row[] {
    return [...new Map([...this.#read, ...this.#written]).values()];
  }

  /** The rows the batch wrote, each once, in its last state. */
  written(): Row[] {
    return [...this.#written.values()];
  }
}
