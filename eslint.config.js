import js from '@eslint/js';
import tseslint from 'typescript-eslint';

/** The layering of DESIGN.md: what each folder may not import. */
const layer = (files, patterns) => ({ files, rules: { 'no-restricted-imports': ['error', { patterns }] } });

export default tseslint.config(
  { ignores: ['node_modules/**', '.data/**', 'coverage/**'] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    rules: {
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
    },
  },
  // domain/ is pure: no I/O, nothing from the outer folders.
  layer(['domain/**/*.ts'], [
    'node:fs*', 'node:net', 'node:http*', 'node:child_process', 'pg', 'kysely', 'fastify', 'pino',
    '**/adapters/**', '**/src/**', '**/projections/**', '**/scripts/**',
  ]),
  layer(['projections/**/*.ts'], ['pg', 'fastify', '**/adapters/**', '**/src/**', '**/scripts/**']),
  layer(['adapters/**/*.ts'], ['**/src/**', '**/projections/**', '**/scripts/**']),
  layer(['src/**/*.ts'], ['**/scripts/**', '**/test/**']),
  {
    files: ['bin/**/*.js'],
    languageOptions: { globals: { process: 'readonly', console: 'readonly' } },
  },
);
