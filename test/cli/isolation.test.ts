/**
 * Third-party code plugins run isolated: in their own process under Node's permission model,
 * with networking denied and the budgets their package.json declares. A node that reads a file
 * outside its declared paths, opens a socket, fetches, spawns a process, loops forever or holds
 * more memory than its budget is stopped, and the run fails (exit 1) naming the plugin and the
 * capability. The fixture (test/fixtures/plugin-hostile/) declares fs.read $graphDir, 160 MB, 3 s.
 */
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { stylegraph } from './run-cli.js';

const HOSTILE = fileURLToPath(new URL('../fixtures/plugin-hostile/', import.meta.url));
let dir: string;
let secret: string;

const graph = (type: string, params: Record<string, unknown> = {}) => ({
  format: 'stylegraph.graph',
  formatVersion: 1,
  plugins: { 'stylegraph-plugin-hostile': '^1.0.0' },
  nodes: { a: { type: `hostile/${type}`, version: 1, params } },
  edges: [],
});

async function runNode(type: string, params: Record<string, unknown> = {}, extra: string[] = []) {
  await writeFile(join(dir, 'g.graph.json'), JSON.stringify(graph(type, params)));
  return stylegraph(['run', 'g.graph.json', '--plugin', HOSTILE, '--out', 'out', ...extra], dir);
}

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'sg-isolation-'));
  const outside = await mkdtemp(join(tmpdir(), 'sg-secret-'));
  secret = join(outside, 'secret.txt');
  await writeFile(secret, 'not for plugins');
  await writeFile(join(dir, 'inside.txt'), 'the graph folder is declared');
});
afterAll(() => rm(dir, { recursive: true, force: true }));

const failure = (stderr: string) => stderr.trim().split('\n').filter((l) => l.includes('failed:'));

describe('an isolated code plugin', () => {
  it('reads what it declares ($graphDir) but not a file elsewhere', async () => {
    expect((await runNode('ReadFile', { path: join(dir, 'inside.txt') })).code).toBe(0);
    const r = await runNode('ReadFile', { path: secret });
    expect(r.code).toBe(1);
    expect(failure(r.stderr)).toEqual([`g.graph.json: node "a" (hostile/ReadFile) failed: PLUGIN_CAPABILITY: plugin stylegraph-plugin-hostile was denied fs.read (${secret}): outside its declared fs.read paths ($graphDir); see stylegraph.capabilities in its package.json`]);
  });

  it.each([
    ['Connect', 'net (net.connect)'],
    ['Fetch', 'net (fetch)'],
    ['Spawn', 'childProcess'],
  ])('%s is denied: %s', async (type, what) => {
    const r = await runNode(type);
    expect(r.code).toBe(1);
    const cap = what.split(' ')[0];
    expect(failure(r.stderr)).toEqual([`g.graph.json: node "a" (hostile/${type}) failed: PLUGIN_CAPABILITY: plugin stylegraph-plugin-hostile was denied ${what}: "${cap}" is not among its capabilities; see stylegraph.capabilities in its package.json`]);
  });

  it('is stopped when it runs past its time budget', async () => {
    const r = await runNode('Loop');
    expect(r.code).toBe(1);
    expect(failure(r.stderr)).toEqual(['g.graph.json: node "a" (hostile/Loop) failed: PLUGIN_BUDGET: plugin stylegraph-plugin-hostile ran past its time budget of 3 s (stylegraph.capabilities.timeoutS) and was stopped']);
  });

  it('is stopped when it holds more memory than its budget', async () => {
    const r = await runNode('Allocate', { mb: 400 });
    expect(r.code).toBe(1);
    expect(failure(r.stderr)[0]).toMatch(/^g\.graph\.json: node "a" \(hostile\/Allocate\) failed: PLUGIN_BUDGET: plugin stylegraph-plugin-hostile went past its memory budget of 160 MB \(stylegraph\.capabilities\.maxMemoryMB; it held \d+ MB\) and was stopped$/);
    // Within the budget it runs.
    expect((await runNode('Allocate', { mb: 8 })).code).toBe(0);
  });

  it('runs in-process when trusted, loudly', async () => {
    const r = await runNode('ReadFile', { path: secret }, ['--trust', 'stylegraph-plugin-hostile']);
    expect(r.code).toBe(0);
    expect(r.stderr.trim()).toBe('stylegraph: warning: plugin stylegraph-plugin-hostile is trusted (--trust): it runs inside stylegraph’s process with all of its access to this machine');
  });
});

describe('capabilities beyond a plugin’s own folders', () => {
  it('are announced, and a write grant that reaches code the host runs is refused', async () => {
    const pkg = await mkdtemp(join(tmpdir(), 'sg-writer-'));
    const work = await mkdtemp(join(tmpdir(), 'sg-writer-graph-'));
    try {
      await writeFile(
        join(pkg, 'package.json'),
        JSON.stringify({ name: 'stylegraph-plugin-writer', version: '1.0.0', type: 'module', keywords: ['stylegraph-plugin'], stylegraph: { apiVersion: '^2', entry: './index.js', capabilities: { fs: { read: ['$graphDir'], write: ['$graphDir'] } } } }),
      );
      await writeFile(
        join(pkg, 'index.js'),
        "import { writeFileSync } from 'node:fs';\nimport { join } from 'node:path';\nimport { PLUGIN_API_VERSION, defineNode, definePlugin, z } from '@stylegraph/core';\n" +
          "export default definePlugin({ name: 'stylegraph-plugin-writer', version: '1.0.0', apiVersion: PLUGIN_API_VERSION, nodes: [defineNode({ type: 'writer/Write', version: 1, title: 'Write', category: 'Test', inputs: {}, outputs: {}, params: z.object({ dir: z.string() }), purity: 'effect', run: ({ params }) => { writeFileSync(join(params.dir, 'written.txt'), 'x'); return {}; } })] });\n",
      );
      const g = { format: 'stylegraph.graph', formatVersion: 1, plugins: { 'stylegraph-plugin-writer': '^1.0.0' }, nodes: { w: { type: 'writer/Write', version: 1, params: { dir: work } } }, edges: [] };
      await writeFile(join(work, 'g.graph.json'), JSON.stringify(g));
      const ok = stylegraph(['run', 'g.graph.json', '--plugin', pkg, '--out', 'out'], work);
      expect(ok.stderr.trim()).toBe('stylegraph: warning: plugin stylegraph-plugin-writer declares capabilities beyond its own folders: fs.write $graphDir');
      expect(ok.code).toBe(0);
      // The graph's folder now holds installed packages: writing there could change code the host runs.
      await mkdir(join(work, 'node_modules'));
      const refused = stylegraph(['run', 'g.graph.json', '--plugin', pkg, '--out', 'out'], work);
      expect(refused.code).toBe(1);
      expect(refused.stderr).toMatch(/PLUGIN_CAPABILITY: plugin stylegraph-plugin-writer declares fs\.write .*sg-writer-graph-\w+, which holds code the host runs \(.*node_modules\); refused/);
    } finally {
      await rm(pkg, { recursive: true, force: true });
      await rm(work, { recursive: true, force: true });
    }
  });
});
