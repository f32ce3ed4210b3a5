import { existsSync, readFileSync, readdirSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vitest/config';

// The test run StrykerJS uses (stryker.config.mjs). Every @stylegraph/* package resolves to the
// TypeScript sources beside this file: in Stryker's sandbox that is the sandbox's (mutated)
// copy, not the workspace's symlinked originals, so mutants reached through a package import
// are seen too, and edits elsewhere in the working tree do not leak into a run.
const root = dirname(fileURLToPath(import.meta.url));
const workspaces = (JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')) as { workspaces: string[] }).workspaces.flatMap((w) =>
  w.endsWith('/*') ? readdirSync(join(root, w.slice(0, -2))).map((p) => `${w.slice(0, -1)}${p}`) : [w],
);
const alias = workspaces.filter((dir) => existsSync(join(root, dir, 'package.json'))).flatMap((dir) => {
  const pkg = JSON.parse(readFileSync(join(root, dir, 'package.json'), 'utf8')) as { name: string; exports?: Record<string, Record<string, string> | string> };
  return Object.entries(pkg.exports ?? {}).flatMap(([sub, target]) => {
    const src = typeof target === 'object' ? target['@stylegraph/source'] : undefined;
    if (!src) return [];
    const name = `${pkg.name}${sub === '.' ? '' : sub.slice(1)}`;
    return [{ find: new RegExp(`^${name.replace(/[/.-]/g, '\\$&')}$`), replacement: join(root, dir, src) }];
  });
});

export default defineConfig({
  resolve: { conditions: ['@stylegraph/source'], alias },
  test: {
    // Which of them run is chosen by stryker.config.mjs (testFiles, and related to the mutants).
    include: ['packages/**/src/**/*.test.ts', 'apps/**/src/**/*.test.ts'],
    exclude: ['**/node_modules/**', '**/dist/**'],
    testTimeout: 120_000,
    hookTimeout: 120_000,
  },
});
