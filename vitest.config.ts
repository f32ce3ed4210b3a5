import { defineConfig } from 'vitest/config';

// One test run for the whole workspace. Packages resolve to their TypeScript sources
// (the "@stylegraph/source" export condition, for Vite's server-side resolution too, with the
// workspace packages inlined rather than loaded by Node from dist/), so tests never run against
// stale builds; the CLI tests in test/ spawn the built `stylegraph` binary.
export default defineConfig({
  resolve: { conditions: ['@stylegraph/source'] },
  ssr: { resolve: { conditions: ['@stylegraph/source'] } },
  test: {
    include: ['packages/**/src/**/*.test.ts', 'apps/**/src/**/*.test.ts', 'test/**/*.test.ts'],
    exclude: ['**/node_modules/**', '**/dist/**'],
    server: { deps: { inline: [/@stylegraph\//] } },
    testTimeout: 120_000,
    hookTimeout: 120_000,
    pool: 'forks',
  },
});
