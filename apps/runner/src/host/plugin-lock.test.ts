/** The integrity of a plugin package: its files (its own node_modules too, not .git), their paths and sizes; a link as its target and bytes. */
import { mkdir, mkdtemp, rename, rm, symlink, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { GraphDocument } from '@stylegraph/core';
import { checkLock, currentLocks, frozenBeforeLoad, integrityOf } from './plugin-lock.js';
import { loadRegistry } from './plugins.js';
import { hostPackages } from './isolate/host-roots.js';

let dir: string;
beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'sg-integrity-'));
  await writeFile(join(dir, 'package.json'), '{"name":"p","version":"1.0.0"}');
  await mkdir(join(dir, 'dist'));
  await writeFile(join(dir, 'dist', 'index.js'), 'export default 1;');
});
afterEach(() => rm(dir, { recursive: true, force: true }));

describe('integrityOf', () => {
  it('is sha256 in base64, the same for the same files', async () => {
    const a = await integrityOf(dir);
    expect(a).toMatch(/^sha256-[A-Za-z0-9+/]{43}=$/);
    expect(await integrityOf(dir)).toBe(a);
  });

  it('changes with a file’s bytes, a new file, or a file’s name', async () => {
    const a = await integrityOf(dir);
    await writeFile(join(dir, 'dist', 'index.js'), 'export default 2;');
    const b = await integrityOf(dir);
    expect(b).not.toBe(a);
    await writeFile(join(dir, 'dist', 'extra.js'), '');
    const c = await integrityOf(dir);
    expect(c).not.toBe(b);
    await rename(join(dir, 'dist', 'extra.js'), join(dir, 'dist', 'other.js'));
    expect(await integrityOf(dir)).not.toBe(c);
  });

  it('counts the package’s own node_modules, not .git; a link by where it points and what is there', async () => {
    const a = await integrityOf(dir);
    await mkdir(join(dir, '.git'));
    await writeFile(join(dir, '.git', 'HEAD'), 'ref');
    expect(await integrityOf(dir)).toBe(a);
    await mkdir(join(dir, 'node_modules', 'dep'), { recursive: true });
    await writeFile(join(dir, 'node_modules', 'dep', 'x.js'), 'x');
    const withDep = await integrityOf(dir);
    expect(withDep).not.toBe(a);
    const outside = join(dir, '..', `${dir.split('/').at(-1)}-target.js`);
    await writeFile(outside, 'one');
    try {
      await symlink(outside, join(dir, 'link.js'));
      const linked = await integrityOf(dir);
      expect(linked).not.toBe(withDep);
      // The file the link leads to changed: so does the integrity, though no file of the folder did.
      await writeFile(outside, 'two');
      expect(await integrityOf(dir)).not.toBe(linked);
    } finally {
      await rm(outside, { force: true });
    }
  });

  it('hashes a loose module file alone, by its name and bytes', async () => {
    const file = join(dir, 'dist', 'index.js');
    const a = await integrityOf(file);
    await writeFile(join(dir, 'dist', 'beside.js'), 'unrelated');
    expect(await integrityOf(file)).toBe(a);
    await writeFile(file, 'export default 3;');
    expect(await integrityOf(file)).not.toBe(a);
  });
});

describe('checkLock', () => {
  const graph = (lock?: Record<string, { version: string; integrity: string }>) =>
    ({ format: 'stylegraph.graph', formatVersion: 1, plugins: { '@stylegraph/plugin-std': '^0.1.0', 'stylegraph-plugin-absent': '^1.0.0' }, ...(lock && { lock }), nodes: {}, edges: [] }) as GraphDocument;

  it('locks a built-in by its package folder, and finds no drift in what it locked', async () => {
    const registry = await loadRegistry({ fromDir: dir });
    const locks = await currentLocks(graph(), registry);
    // A plugin that is not installed is not locked (validation reports it missing).
    expect(Object.keys(locks)).toEqual(['@stylegraph/plugin-std']);
    expect(locks['@stylegraph/plugin-std']).toEqual({ version: '0.1.0', integrity: await integrityOf(hostPackages().packages.get('@stylegraph/plugin-std')!) });
    expect(await checkLock(graph(locks), registry, true)).toEqual([]);
    expect(await checkLock(graph(locks), registry, false)).toEqual([]);
  });

  it('warns of drift, and refuses it (and a missing lock) when frozen', async () => {
    const registry = await loadRegistry({ fromDir: dir });
    const { '@stylegraph/plugin-std': now } = await currentLocks(graph(), registry);
    expect(await checkLock(graph(), registry, false)).toEqual([]);
    expect(await checkLock(graph(), registry, true)).toEqual([
      { severity: 'error', code: 'PLUGIN_UNLOCKED', path: 'lock.@stylegraph/plugin-std', message: '--frozen: the graph locks no version of @stylegraph/plugin-std; run stylegraph lock first' },
    ]);
    const older = graph({ '@stylegraph/plugin-std': { version: '0.0.9', integrity: now!.integrity } });
    expect(await checkLock(older, registry, false)).toEqual([
      { severity: 'warning', code: 'PLUGIN_LOCK_DRIFT', path: 'lock.@stylegraph/plugin-std', message: '@stylegraph/plugin-std is locked at 0.0.9, but 0.1.0 is installed (run stylegraph lock to accept it)' },
    ]);
    expect((await checkLock(older, registry, true))[0]).toMatchObject({ severity: 'error', message: '@stylegraph/plugin-std is locked at 0.0.9, but 0.1.0 is installed' });
    const other = `sha256-${'A'.repeat(43)}=`;
    expect(await checkLock(graph({ '@stylegraph/plugin-std': { version: '0.1.0', integrity: other } }), registry, true)).toEqual([
      { severity: 'error', code: 'PLUGIN_LOCK_DRIFT', path: 'lock.@stylegraph/plugin-std', message: `@stylegraph/plugin-std 0.1.0 is installed, but its files differ from the ones the graph locks (integrity ${now!.integrity}, locked ${other})` },
    ]);
  });
});

describe('frozenBeforeLoad', () => {
  it('compares installed packages with the lock before loading them: built-ins and missing ones aside', async () => {
    const pkg = join(dir, 'node_modules', 'stylegraph-plugin-y');
    await mkdir(pkg, { recursive: true });
    await writeFile(join(pkg, 'package.json'), '{"name":"stylegraph-plugin-y","version":"2.0.1"}');
    await writeFile(join(pkg, 'index.js'), 'throw new Error("never loaded here");');
    const integrity = await integrityOf(pkg);
    const graph = (lock?: Record<string, { version: string; integrity: string }>) =>
      ({ format: 'stylegraph.graph', formatVersion: 1, plugins: { 'stylegraph-plugin-y': '^2.0.0', '@stylegraph/plugin-std': '^0.1.0', 'stylegraph-plugin-absent': '^1.0.0', '../path': '*' }, ...(lock && { lock }), nodes: {}, edges: [] }) as GraphDocument;
    expect(await frozenBeforeLoad(graph({ 'stylegraph-plugin-y': { version: '2.0.1', integrity } }), dir)).toEqual([]);
    expect(await frozenBeforeLoad(graph(), dir)).toEqual([
      { severity: 'error', code: 'PLUGIN_UNLOCKED', path: 'lock.stylegraph-plugin-y', message: '--frozen: the graph locks no version of stylegraph-plugin-y; run stylegraph lock first' },
    ]);
    expect(await frozenBeforeLoad(graph({ 'stylegraph-plugin-y': { version: '2.0.0', integrity } }), dir)).toEqual([
      { severity: 'error', code: 'PLUGIN_LOCK_DRIFT', path: 'lock.stylegraph-plugin-y', message: 'stylegraph-plugin-y is locked at 2.0.0, but 2.0.1 is installed' },
    ]);
    await writeFile(join(pkg, 'index.js'), 'export default {};');
    expect(await frozenBeforeLoad(graph({ 'stylegraph-plugin-y': { version: '2.0.1', integrity } }), dir)).toEqual([
      { severity: 'error', code: 'PLUGIN_LOCK_DRIFT', path: 'lock.stylegraph-plugin-y', message: 'stylegraph-plugin-y 2.0.1 is installed, but its files differ from the ones the graph locks' },
    ]);
  });
});
