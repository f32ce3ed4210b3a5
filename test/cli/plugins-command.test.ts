/**
 * `stylegraph plugins`: what a folder's node_modules holds, read from package.json files only —
 * a package that declares install scripts and one whose "stylegraph" field does not parse are
 * flagged, packages that are not plugins are not listed, and none of their code runs.
 */
import { existsSync } from 'node:fs';
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { stylegraph } from './run-cli.js';

let dir: string;
const pkg = async (name: string, json: Record<string, unknown>) => {
  await mkdir(join(dir, 'node_modules', name), { recursive: true });
  await writeFile(join(dir, 'node_modules', name, 'package.json'), JSON.stringify({ name, version: '1.2.3', ...json }));
  // Importing would leave a mark; listing must not.
  await writeFile(join(dir, 'node_modules', name, 'index.js'), `import { writeFileSync } from 'node:fs'; writeFileSync(${JSON.stringify(join(dir, `ran-${name.replace('/', '_')}`))}, '');`);
};

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'sg-plugins-'));
  await pkg('left-pad', { main: 'index.js' });
  await pkg('stylegraph-plugin-scripts', { type: 'module', keywords: ['stylegraph-plugin'], scripts: { postinstall: 'node index.js' }, stylegraph: { apiVersion: '^2', entry: './index.js', namespace: 'scripts' } });
  await pkg('@acme/stylegraph-plugin-broken', { type: 'module', stylegraph: { apiVersion: '^2', entry: './index.js', capabilities: { net: 'yes' } } });
  await pkg('stylegraph-plugin-bare', { type: 'module', main: 'index.js', keywords: ['stylegraph-plugin'] });
});
afterAll(() => rm(dir, { recursive: true, force: true }));

describe('stylegraph plugins', () => {
  it('lists the plugins with how they run and flags what to look at twice', () => {
    const r = stylegraph(['plugins', '--dir', dir]);
    expect(r.code).toBe(0);
    expect(r.stdout.trim().split('\n')).toEqual([
      '@acme/stylegraph-plugin-broken  isolated (trust with --trust to run in-process)',
      `    warning: ${join(dir, 'node_modules', '@acme', 'stylegraph-plugin-broken', 'package.json')}: stylegraph.capabilities.net: Invalid input: expected boolean, received string`,
      'stylegraph-plugin-bare  isolated (trust with --trust to run in-process)',
      '    warning: no "stylegraph" field in package.json: runs isolated with no capabilities',
      'stylegraph-plugin-scripts 1.2.3  namespace scripts  isolated (trust with --trust to run in-process)',
      '    capabilities: fs.read none; fs.write none; net no; childProcess no; memory 2048 MB; time 600 s',
      '    warning: declares install scripts (postinstall), which stylegraph never needs',
    ]);
    for (const n of ['left-pad', 'stylegraph-plugin-scripts', '@acme_stylegraph-plugin-broken', 'stylegraph-plugin-bare']) expect(existsSync(join(dir, `ran-${n}`))).toBe(false);
  });

  it('says so when there are none', () => {
    const r = stylegraph(['plugins', '--dir', join(dir, 'node_modules', 'left-pad')]);
    expect(r.code).toBe(0);
    expect(r.stdout.trim()).toBe(`no stylegraph plugins installed in ${join(dir, 'node_modules', 'left-pad', 'node_modules')}`);
  });
});
