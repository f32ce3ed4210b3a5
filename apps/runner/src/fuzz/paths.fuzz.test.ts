/**
 * Fuzz: random paths through every path check — `writeInside` (all host writes), the CLI's
 * `NodeFiles.write` and the server's `Workspace.resolve`. Property: a write lands inside its
 * root or is refused with a coded error; nothing ever appears outside; resolve returns a path
 * inside the workspace or refuses.
 */
import { mkdir, mkdtemp, readdir, realpath, symlink } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { isAbsolute, join, relative, sep } from 'node:path';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { NodeError } from '@stylegraph/core';
import { NodeFiles } from '../host/node-files.js';
import { WriteError, writeInside } from '../host/safe-write.js';
import { Workspace, WorkspaceError } from '../server/workspace.js';

const segment = fc.oneof(fc.constantFrom('..', '.', '', 'a', 'b', 'link', 'file', '\0', '~', '%2e%2e', '...', ' ', 'x'.repeat(300)), fc.string({ maxLength: 6 }));
const pathArb = fc.oneof(
  fc.tuple(fc.constantFrom('', '/', '\\', 'C:', '//'), fc.array(segment, { minLength: 1, maxLength: 6 }), fc.constantFrom('/', '\\')).map(([head, segs, sep]) => head + segs.join(sep)),
  fc.string({ maxLength: 40 }),
);
/** Strictly inside `root`, computed here independently of the code under test. */
const inside = (root: string, p: string) => {
  const rel = relative(root, p);
  return rel !== '' && rel !== '..' && !rel.startsWith(`..${sep}`) && !isAbsolute(rel);
};

/** Every file and link under `dir` (not following links). */
async function tree(dir: string): Promise<string[]> {
  const out: string[] = [];
  for (const e of await readdir(dir, { withFileTypes: true })) {
    out.push(join(dir, e.name));
    if (e.isDirectory()) out.push(...(await tree(join(dir, e.name))));
  }
  return out;
}

describe('fuzz: path checks', () => {
  let base: string;
  let root: string;
  let outside: string;
  beforeAll(async () => {
    base = await realpath(await mkdtemp(join(tmpdir(), 'sg-fuzz-path-')));
    root = join(base, 'root');
    outside = join(base, 'outside');
    await mkdir(join(root, 'a'), { recursive: true });
    await mkdir(outside);
    await symlink(outside, join(root, 'link'));
    await symlink(outside, join(root, 'a', 'link'));
    await symlink('../..', join(root, 'a', 'up'));
  });
  afterAll(async () => {
    expect(await readdir(outside)).toEqual([]);
    expect((await readdir(base)).sort()).toEqual(['outside', 'root']);
  });

  it('writeInside writes inside its root or refuses (1 500 cases)', async () => {
    await fc.assert(
      fc.asyncProperty(pathArb, async (path) => {
        try {
          const full = await writeInside(root, path, 'x', { overwrite: true });
          expect(inside(root, full), full).toBe(true);
        } catch (e) {
          expect(e).toBeInstanceOf(WriteError);
          expect((e as WriteError).message).not.toMatch(/\n/);
        }
      }),
      { seed: 16_201, numRuns: 1500 },
    );
    for (const f of await tree(root)) expect(inside(root, f) || f === root).toBe(true);
  });

  it('NodeFiles.write with an output base refuses or stays inside (500 cases)', async () => {
    const files = new NodeFiles({ readRoot: root, outDir: join(root, 'out', 'g'), outBase: root });
    await fc.assert(
      fc.asyncProperty(pathArb, async (path) => {
        try {
          const shown = await files.write(path, new Uint8Array([1]));
          expect(inside(join(root, 'out', 'g'), join(process.cwd(), shown)) || inside(join(root, 'out', 'g'), shown)).toBe(true);
        } catch (e) {
          expect(e).toBeInstanceOf(NodeError);
          expect((e as NodeError).code).toBe('FILE_WRITE');
        }
      }),
      { seed: 16_202, numRuns: 500 },
    );
  });

  it('Workspace.resolve returns paths inside the workspace or refuses (1 500 cases)', async () => {
    const ws = new Workspace(root);
    await fc.assert(
      fc.asyncProperty(pathArb, async (path) => {
        try {
          const full = await ws.resolve(path);
          expect(ws.contains(full)).toBe(true);
          const real = await realpath(full).catch(() => undefined);
          if (real !== undefined) expect(ws.contains(real), real).toBe(true);
        } catch (e) {
          expect(e).toBeInstanceOf(WorkspaceError);
        }
      }),
      { seed: 16_203, numRuns: 1500 },
    );
  });
});
