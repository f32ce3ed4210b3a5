import { readFileSync } from 'node:fs';
import { dirname, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

const HERE = dirname(fileURLToPath(import.meta.url));
// Runtime imports and re-exports; `import type` / `export type` are erased and do not count.
const IMPORT = /^\s*(?:import|export)\s+(?!type\b)(?:[^'";]*?\s+from\s+)?['"]([^'"]+)['"]/gm;

describe('operators/ in browsers', () => {
  it('loads no Node built-ins, no onnxruntime and no backend, following relative imports', () => {
    const files = new Set<string>();
    const packages = new Set<string>();
    const visit = (file: string) => {
      if (files.has(file)) return;
      files.add(file);
      for (const [, spec] of readFileSync(file, 'utf8').matchAll(IMPORT)) {
        if (!spec) continue;
        if (spec.startsWith('.')) visit(resolve(dirname(file), spec.replace(/\.js$/, '.ts')));
        else packages.add(spec);
      }
    };
    visit(resolve(HERE, 'index.ts'));
    expect([...packages].sort()).toEqual(['@bufbuild/protobuf', '@stylegraph/core', 'onnx-buf']);
    expect([...files].map((f) => relative(resolve(HERE, '..'), f)).filter((f) => f.startsWith('backend/') || f.endsWith('/node.ts') || f.endsWith('/web.ts'))).toEqual([]);
  });
});
