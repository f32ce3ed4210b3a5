/**
 * The packages plugins build on are publishable: `npm pack` of @stylegraph/core, ops-gpu and
 * plugin-testing holds their README, LICENSE, built entry points and every file their exports
 * name — and no tests or test fixtures — and their major version is the plugin API version.
 */
import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { PLUGIN_API_VERSION } from '@stylegraph/core';
import { repoRoot } from './run-cli.js';

interface Packed {
  readonly name: string;
  readonly version: string;
  readonly files: readonly { path: string }[];
}

const PACKAGES = { '@stylegraph/core': 'packages/core', '@stylegraph/ops-gpu': 'packages/ops-gpu', '@stylegraph/plugin-testing': 'packages/plugin-testing' } as const;

function pack(): Map<string, Packed> {
  const args = ['pack', '--dry-run', '--json', ...Object.keys(PACKAGES).flatMap((w) => ['-w', w])];
  const r = spawnSync(process.platform === 'win32' ? 'npm.cmd' : 'npm', args, { cwd: repoRoot, encoding: 'utf8', timeout: 60_000 });
  expect(r.status, r.stderr).toBe(0);
  return new Map((JSON.parse(r.stdout) as Packed[]).map((p) => [p.name, p]));
}

/** Every path an `exports` map names, through nested conditions. */
function targets(exports: unknown): string[] {
  if (typeof exports === 'string') return [exports];
  if (exports && typeof exports === 'object') return Object.values(exports).flatMap(targets);
  return [];
}

const packed = pack();
const manifest = (name: keyof typeof PACKAGES) => JSON.parse(readFileSync(join(repoRoot, PACKAGES[name], 'package.json'), 'utf8')) as Record<string, unknown>;

describe.each(Object.keys(PACKAGES) as (keyof typeof PACKAGES)[])('npm pack %s', (name) => {
  const files = () => new Set(packed.get(name)!.files.map((f) => f.path));

  it('holds package.json, README.md, LICENSE and the built entry', () => {
    for (const f of ['package.json', 'README.md', 'LICENSE', 'dist/index.js', 'dist/index.d.ts']) expect(files(), f).toContain(f);
    const license = readFileSync(join(repoRoot, PACKAGES[name], 'LICENSE'), 'utf8');
    expect(license).toMatch(/^MIT License\n\nCopyright \(c\) 2026 the stylegraph authors\n/);
  });

  it('holds every file its exports, main and types name', () => {
    const pkg = manifest(name);
    const named = [...targets(pkg.exports), pkg.main, pkg.types].filter((t): t is string => typeof t === 'string');
    expect(named.length).toBeGreaterThan(2);
    for (const t of named) expect(files(), `${t} (named in package.json) is not in the tarball`).toContain(t.replace(/^\.\//, ''));
  });

  it('holds no tests, test helpers or fixtures', () => {
    const bad = [...files()].filter((f) => /\.test\.[cm]?[jt]s$|(^|\/)(testing|fixtures|regression)\//.test(f));
    expect(bad).toEqual([]);
  });

  it('has the plugin API version as its major version', () => {
    expect(Number(packed.get(name)!.version.split('.')[0])).toBe(PLUGIN_API_VERSION);
  });
});

describe('npm pack @stylegraph/ops-gpu', () => {
  it('holds each subpath export built: node, web, layers', () => {
    const files = new Set(packed.get('@stylegraph/ops-gpu')!.files.map((f) => f.path));
    for (const sub of ['node', 'web', 'layers']) for (const ext of ['js', 'd.ts']) expect(files).toContain(`dist/${sub}.${ext}`);
  });

  it('and core ship the graph schema and declare themselves as a plugin depends on them', () => {
    expect(new Set(packed.get('@stylegraph/core')!.files.map((f) => f.path))).toContain('schema/graph-v1.schema.json');
    expect(manifest('@stylegraph/ops-gpu').dependencies).toMatchObject({ '@stylegraph/core': packed.get('@stylegraph/core')!.version });
  });
});
