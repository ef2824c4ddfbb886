#!/usr/bin/env -S node --liftoff-only --max-semi-space-size=16
// The `ledger` command (and `npm start`). Where Node strips TypeScript types itself (22.18+,
// 23.6+) it runs the sources directly: no compiler loaded into the process, which keeps a CLI
// command quick and the server small. Older Nodes go through tsx.
//
// --liftoff-only: the embedded store is Postgres compiled to WebAssembly, and V8 otherwise spends
// seconds and hundreds of MB recompiling it with its optimising tier after every start (README,
// "Memory and start-up"). It changes nothing for a ledger on a Postgres server, which loads no
// WebAssembly.
//
// --max-semi-space-size=16: Node 22+ lets V8's young generation grow to 64 MB per semi-space,
// about 100 MiB of RSS that a ledger process (a rebuild's batch, a request) does not need; 16 was
// Node 20's. A rebuild of 100,000 events peaked at 319 MiB without it, 217 MiB with it, no slower.
if (!process.features.typescript) {
  const { register } = await import('tsx/esm/api');
  register();
}
await import('../src/cli/main.ts');
