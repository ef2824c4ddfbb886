#!/usr/bin/env node
// The `ledger` command: runs the TypeScript CLI through tsx, as `npm run ledger` does.
import { register } from 'tsx/esm/api';

register();
await import('../src/cli/main.ts');
