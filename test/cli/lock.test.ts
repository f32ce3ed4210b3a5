/**
 * Plugin locks: `stylegraph lock` records each required plugin's version and integrity in the
 * graph; `check` warns when the installed plugin drifts from it; `run --frozen` refuses a drifted
 * or unlocked plugin (exit 2) and runs an unchanged one. The plugin is a copy of the tiles
 * fixture installed in a temporary workspace, so the test can change its files.
 */
import { cp, mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { GraphDocumentSchema } from '@stylegraph/core';
import { TILES_DIR, TILES_GRAPH } from '../support/tiles.js';
import { stylegraph } from './run-cli.js';

let dir: string;
let plugin: string;
const graphFile = () => join(dir, 'tiles.graph.json');
const lockOf = async () => GraphDocumentSchema.parse(JSON.parse(await readFile(graphFile(), 'utf8'))).lock;

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'sg-lock-'));
  plugin = join(dir, 'node_modules', 'stylegraph-plugin-tiles');
  await mkdir(join(dir, 'node_modules'));
  await cp(TILES_DIR, plugin, { recursive: true });
  await writeFile(graphFile(), await readFile(TILES_GRAPH, 'utf8'));
});
afterAll(() => rm(dir, { recursive: true, force: true }));

describe('plugin locks', () => {
  it('run --frozen refuses a graph with no lock', () => {
    const r = stylegraph(['run', 'tiles.graph.json', '--frozen', '--out', 'out'], dir);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/PLUGIN_UNLOCKED.*--frozen: the graph locks no version of stylegraph-plugin-tiles; run stylegraph lock first/);
  });

  it('lock records every required plugin, and the locked graph checks and runs frozen', async () => {
    const r = stylegraph(['lock', 'tiles.graph.json'], dir);
    expect(r.code).toBe(0);
    const lock = await lockOf();
    expect(Object.keys(lock ?? {}).sort()).toEqual(['@stylegraph/plugin-faces', '@stylegraph/plugin-io', 'stylegraph-plugin-tiles']);
    expect(lock!['stylegraph-plugin-tiles']).toEqual({ version: '1.0.0', integrity: expect.stringMatching(/^sha256-[A-Za-z0-9+/]{43}=$/) });
    // Locking again changes nothing: the integrity depends on the files only.
    const again = stylegraph(['lock', 'tiles.graph.json'], dir);
    expect(again.code).toBe(0);
    expect(await lockOf()).toEqual(lock);
    const check = stylegraph(['check', 'tiles.graph.json'], dir);
    expect(check.code).toBe(0);
    expect(check.stdout).not.toMatch(/PLUGIN_LOCK_DRIFT/);
    expect(stylegraph(['run', 'tiles.graph.json', '--frozen', '--out', 'out'], dir).code).toBe(0);
  });

  it('a changed file of the plugin is drift: check warns, run --frozen refuses', async () => {
    const entry = join(plugin, 'index.js');
    const original = await readFile(entry, 'utf8');
    await writeFile(entry, `${original}\n// one more line\n`);
    try {
      const check = stylegraph(['check', 'tiles.graph.json'], dir);
      expect(check.code).toBe(0);
      expect(check.stdout).toMatch(/warning PLUGIN_LOCK_DRIFT.*stylegraph-plugin-tiles 1\.0\.0 is installed, but its files differ from the ones the graph locks/);
      const run = stylegraph(['run', 'tiles.graph.json', '--frozen', '--out', 'out2'], dir);
      expect(run.code).toBe(2);
      expect(run.stderr).toMatch(/error PLUGIN_LOCK_DRIFT/);
      // Refused before its code runs, trusted or not.
      await writeFile(entry, `${original}\nthrow new Error('the drifted code ran');\n`);
      const trusted = stylegraph(['run', 'tiles.graph.json', '--frozen', '--trust', 'stylegraph-plugin-tiles', '--out', 'out2'], dir);
      expect(trusted.code).toBe(2);
      expect(trusted.stderr).toMatch(/error PLUGIN_LOCK_DRIFT/);
      expect(trusted.stderr).not.toMatch(/drifted code ran|trusted/);
    } finally {
      await writeFile(entry, original);
    }
    expect(stylegraph(['run', 'tiles.graph.json', '--frozen', '--out', 'out3'], dir).code).toBe(0);
  });

  it('another version is drift, named with both versions', async () => {
    const pkgFile = join(plugin, 'package.json');
    const pkg = await readFile(pkgFile, 'utf8');
    await writeFile(pkgFile, pkg.replace('"version": "1.0.0"', '"version": "1.0.1"'));
    const src = join(plugin, 'index.js');
    const code = await readFile(src, 'utf8');
    await writeFile(src, code.replace("version: '1.0.0'", "version: '1.0.1'"));
    try {
      const run = stylegraph(['run', 'tiles.graph.json', '--frozen', '--out', 'out4'], dir);
      expect(run.code).toBe(2);
      expect(run.stderr).toMatch(/PLUGIN_LOCK_DRIFT.*stylegraph-plugin-tiles is locked at 1\.0\.0, but 1\.0\.1 is installed/);
    } finally {
      await writeFile(pkgFile, pkg);
      await writeFile(src, code);
    }
  });
});
