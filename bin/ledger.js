#!/usr/bin/env node
// The `ledger` command (and `npm start`). Where Node strips TypeScript types itself (22.18+,
// 23.6+) it runs the sources directly: no compiler loaded into the process, which keeps a CLI
// command quick and the server small. Older Nodes go through tsx.
if (!process.features.typescript) {
  const { register } = await import('tsx/esm/api');
  register();
}
await import('../src/cli/main.ts');
