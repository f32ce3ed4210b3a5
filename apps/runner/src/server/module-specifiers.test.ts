/** Plugin modules' `@stylegraph/*` imports pointed at the editor's copies: import specifiers only. */
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { editorImportMap, rewriteSpecifiers } from './module-specifiers.js';

const map = { '@stylegraph/core': '/assets/core-abc.js' };

describe('rewriteSpecifiers', () => {
  it('rewrites static, re-export and dynamic imports of mapped names, nothing else', async () => {
    const src = [
      "import { z } from '@stylegraph/core';",
      'import local from "./local.js";',
      "export * from '@stylegraph/core';",
      "const m = await import('@stylegraph/core');",
      "const other = await import('@stylegraph/core-extra');",
      'const text = "import \'@stylegraph/core\'";',
      '// import x from "@stylegraph/core"',
    ].join('\n');
    expect((await rewriteSpecifiers(src, map)).split('\n')).toEqual([
      "import { z } from '/assets/core-abc.js';",
      'import local from "./local.js";',
      "export * from '/assets/core-abc.js';",
      'const m = await import("/assets/core-abc.js");',
      "const other = await import('@stylegraph/core-extra');",
      'const text = "import \'@stylegraph/core\'";',
      '// import x from "@stylegraph/core"',
    ]);
  });

  it('leaves a module as it is without a map', async () => {
    const src = "import { z } from '@stylegraph/core';";
    expect(await rewriteSpecifiers(src, {})).toBe(src);
  });
});

describe('editorImportMap', () => {
  it('reads the built editor’s import map, keeping only same-origin paths', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'sg-importmap-'));
    try {
      await writeFile(join(dir, 'index.html'), `<html><head><script type="importmap">{"imports":{"@stylegraph/core":"/assets/core-1.js","evil":"https://x.example/a.js"}}</script></head></html>`);
      expect(await editorImportMap(dir)).toEqual({ '@stylegraph/core': '/assets/core-1.js' });
      await writeFile(join(dir, 'index.html'), '<html></html>');
      expect(await editorImportMap(dir)).toEqual({});
      expect(await editorImportMap(join(dir, 'missing'))).toEqual({});
      expect(await editorImportMap(undefined)).toEqual({});
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });
});
