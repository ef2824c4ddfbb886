/*
 * How a test starts one of the project's TypeScript entry points in a child process: as
 * `bin/ledger.js` does, with Node's own type stripping where it has it (no compiler loaded into
 * each child) and tsx otherwise, and V8's baseline WebAssembly tier only (the embedded store
 * starts in a fraction of the time).
 */

// Resolved here, not by the child: a child started in another directory would not find tsx.
const TSX = import.meta.resolve('tsx');

export const TS_NODE_ARGS: readonly string[] = (process.features as { typescript?: unknown }).typescript ? ['--liftoff-only'] : ['--liftoff-only', '--import', TSX];
