/*
 * How a test starts one of the project's TypeScript entry points in a child process: as
 * `bin/ledger.js` does, with Node's own type stripping where it has it (no compiler loaded into
 * each child) and tsx otherwise, with the V8 flags `bin/ledger.js` runs with (see there).
 */

// Resolved here, not by the child: a child started in another directory would not find tsx.
const TSX = import.meta.resolve('tsx');

const FLAGS = ['--liftoff-only', '--max-semi-space-size=16'];

export const TS_NODE_ARGS: readonly string[] = (process.features as { typescript?: unknown }).typescript ? FLAGS : [...FLAGS, '--import', TSX];
