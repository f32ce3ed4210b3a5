import { defineConfig } from 'vitest/config';

// The package's own config, so vitest never takes one from a folder above it.
export default defineConfig({
  test: { include: ['src/**/*.test.ts'], testTimeout: 60_000 },
});
