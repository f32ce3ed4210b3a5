import { readFileSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

const SRC = resolve(dirname(fileURLToPath(import.meta.url)), '..');
// Runtime imports and re-exports; `import type` / `export type` are erased and do not count.
const IMPORT = /^\s*(?:import|export)\s+(?!type\b)(?:[^'";]*?\s+from\s+)?['"]([^'"]+)['"]/gm;

/** Every module a file loads at run time, following relative imports. */
function runtimeClosure(entry: string): { files: string[]; packages: string[] } {
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
  visit(join(SRC, entry));
  return { files: [...files].map((f) => relative(SRC, f)), packages: [...packages] };
}

const NODE_ONLY = /^(node:|fs$|path$|os$|module$|url$|child_process$|onnxruntime-node$)/;

describe('environment boundaries', () => {
  for (const entry of ['onnx/index.ts', 'grad/index.ts', 'grad/check.ts', 'backend/index.ts']) {
    it(`${entry} loads no Node built-ins and no onnxruntime`, () => {
      const { files, packages } = runtimeClosure(entry);
      expect(packages.filter((p) => NODE_ONLY.test(p) || p.startsWith('onnxruntime'))).toEqual([]);
      expect(files.filter((f) => f === 'backend/node.ts' || f === 'backend/web.ts')).toEqual([]);
    });
  }

  it('operators/ (data-only plugins, run in browsers too) loads only core and the ONNX protobufs, and no backend', () => {
    const { files, packages } = runtimeClosure('operators/index.ts');
    expect(packages.sort()).toEqual(['@bufbuild/protobuf', '@stylegraph/core', 'onnx-buf']);
    expect(files.filter((f) => f.startsWith('backend/') || f.endsWith('/node.ts') || f.endsWith('/web.ts'))).toEqual([]);
  });

  it('the browser entry never reaches the Node entry', () => {
    const { files, packages } = runtimeClosure('backend/web.ts');
    expect(files).not.toContain('backend/node.ts');
    expect(packages.filter((p) => NODE_ONLY.test(p))).toEqual([]);
    expect(packages).toContain('onnxruntime-web');
  });

  it('the Node entry never reaches the browser entry', () => {
    const { files, packages } = runtimeClosure('backend/node.ts');
    expect(files).not.toContain('backend/web.ts');
    expect(packages).not.toContain('onnxruntime-web');
    expect(packages).toContain('onnxruntime-node');
  });
});
