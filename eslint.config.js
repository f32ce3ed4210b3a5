import js from '@eslint/js';
import tseslint from 'typescript-eslint';
import globals from 'globals';

// Layering (docs/architecture.md §Layers): core ← ops-gpu ← plugins ← apps. Lower layers may not reach up,
// and core may not use Node-only APIs, onnxruntime or React (it runs in browsers).
const noReachingUp = (forbidden, message) => ({
  'no-restricted-imports': ['error', { patterns: forbidden.map((group) => ({ group: [group], message })) }],
});

export default tseslint.config(
  { ignores: ['**/dist/**', '**/node_modules/**', '.nx/**', 'out/**', '.stryker-tmp*/**', 'reports/**'] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    files: ['**/*.js', '**/*.mjs'],
    languageOptions: { globals: { ...globals.node } },
  },
  {
    files: ['**/*.ts'],
    rules: {
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
      '@typescript-eslint/consistent-type-imports': 'error',
      'no-console': 'off',
    },
  },
  {
    files: ['packages/core/src/**/*.ts'],
    ignores: ['packages/core/src/**/*.test.ts'],
    rules: noReachingUp(
      ['node:*', 'fs', 'path', 'os', 'child_process', 'onnxruntime-*', 'react', 'react-*', '@trpc/*', '@stylegraph/*'],
      'packages/core runs in browsers and is the bottom layer: no Node built-ins, onnxruntime, React, tRPC or other stylegraph packages.',
    ),
  },
  {
    // The editor runs in browsers: core, plugins (browser-safe, for in-browser runs), ops-gpu's web
    // backends and layer layouts, and the server's API types only.
    files: ['apps/editor/**/*.ts', 'apps/editor/**/*.tsx'],
    languageOptions: { globals: { ...globals.browser } },
    rules: {
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
      '@typescript-eslint/consistent-type-imports': 'error',
      '@typescript-eslint/no-restricted-imports': [
        'error',
        {
          patterns: [
            { group: ['node:*', 'fs', 'path', 'os', 'child_process', 'onnxruntime-node', '**/runner/src/**', '**/core/src/**', '**/plugins/*/src/**'], message: 'The editor runs in browsers: no Node-only code, and packages only through their public entries.' },
            { group: ['@stylegraph/runner'], allowTypeImports: true, message: 'The editor may import only types (the API) from the runner.' },
          ],
          paths: [
            { name: '@stylegraph/ops-gpu', message: 'The editor may use @stylegraph/ops-gpu/web and /layers only.' },
            { name: '@stylegraph/ops-gpu/node', message: 'The editor may use @stylegraph/ops-gpu/web and /layers only.' },
          ],
        },
      ],
    },
  },
  {
    files: ['packages/ops-gpu/src/**/*.ts'],
    rules: noReachingUp(
      ['@stylegraph/plugin-*', '@stylegraph/runner', '@stylegraph/editor', 'react', '@trpc/*'],
      'ops-gpu depends only on core.',
    ),
  },
  {
    files: ['packages/plugins/**/src/**/*.ts'],
    rules: noReachingUp(
      ['@stylegraph/runner', '@stylegraph/editor', '**/apps/**', '**/core/src/**', '**/ops-gpu/src/**'],
      'Plugins use only the public API of @stylegraph/core and @stylegraph/ops-gpu, as a third-party plugin would.',
    ),
  },
);
