import { describe, expect, it } from 'vitest';
import { PLUGIN_API_VERSION } from '@stylegraph/core';
import { checkManifest } from './manifest.js';

/** A code plugin's package.json as `stylegraph plugin new` writes it. */
const good = () => ({
  name: 'stylegraph-plugin-sepia',
  version: '0.1.0',
  type: 'module',
  keywords: ['stylegraph-plugin'],
  peerDependencies: { '@stylegraph/core': `^${PLUGIN_API_VERSION}.0.0` },
  scripts: { build: 'tsc', test: 'vitest run' },
  stylegraph: {
    apiVersion: `^${PLUGIN_API_VERSION}`,
    entry: './dist/index.js',
    namespace: 'sepia',
    capabilities: { fs: { read: [], write: [] }, net: false, childProcess: false, maxMemoryMB: 512, timeoutS: 60 },
  },
});

type Pkg = ReturnType<typeof good> & Record<string, unknown>;
const withPkg = (edit: (p: Pkg) => void) => {
  const p = good() as Pkg;
  edit(p);
  return checkManifest(p);
};
const fields = (edit: (p: Pkg) => void) => withPkg(edit).map((p) => `${p.severity} ${p.code} ${p.field}`);

describe('checkManifest', () => {
  it('accepts the scaffold’s code plugin and a data-only plugin', () => {
    expect(checkManifest(good())).toEqual([]);
    const data = { name: '@me/stylegraph-plugin-ops', version: '1.0.0', keywords: ['stylegraph-plugin'], stylegraph: { apiVersion: PLUGIN_API_VERSION, namespace: 'ops', operators: './operators/*.json' } };
    expect(checkManifest(data)).toEqual([]);
  });

  it('refuses an apiVersion that does not admit this plugin API', () => {
    expect(withPkg((p) => (p.stylegraph.apiVersion = `^${PLUGIN_API_VERSION - 1}`))).toEqual([
      { severity: 'error', code: 'API_VERSION', field: 'stylegraph.apiVersion', message: `the plugin targets plugin API ^${PLUGIN_API_VERSION - 1}; this stylegraph provides API ${PLUGIN_API_VERSION}` },
    ]);
    expect(fields((p) => (p.stylegraph.apiVersion = 'two'))).toEqual(['error MANIFEST_INVALID stylegraph.apiVersion']);
    expect(fields((p) => (p.stylegraph.apiVersion = `>=${PLUGIN_API_VERSION}`))).toEqual([]);
    expect(fields((p) => (p.peerDependencies['@stylegraph/core'] = '^1.0.0'))).toEqual(['error API_VERSION peerDependencies.@stylegraph/core']);
  });

  it('needs the keyword, an npm name, a semver version and ESM for a .js entry', () => {
    expect(fields((p) => (p.keywords = ['stylegraph']))).toEqual(['error MANIFEST_INVALID keywords']);
    expect(fields((p) => (p.name = 'Sepia Plugin'))).toEqual(['error MANIFEST_INVALID name']);
    expect(fields((p) => (p.version = '1'))).toEqual(['error MANIFEST_INVALID version']);
    expect(fields((p) => delete (p as Partial<Pkg>).type)).toEqual(['error MANIFEST_INVALID type']);
  });

  it('needs exactly one of entry and operators, inside the package, and a namespace', () => {
    expect(fields((p) => delete (p.stylegraph as Partial<Pkg['stylegraph']>).entry)).toContain('error MANIFEST_INVALID stylegraph');
    expect(fields((p) => Object.assign(p.stylegraph, { operators: './operators/*.json' }))).toContain('error MANIFEST_INVALID stylegraph');
    expect(fields((p) => (p.stylegraph.entry = '../elsewhere.js'))).toEqual(['error MANIFEST_INVALID stylegraph.entry']);
    // A relative path without ./ is inside the package too, as hosts read it.
    expect(fields((p) => (p.stylegraph.entry = 'dist/index.js'))).toEqual([]);
    expect(fields((p) => (p.stylegraph.namespace = 'Sepia'))).toEqual(['error MANIFEST_INVALID stylegraph.namespace']);
    expect(fields((p) => delete (p.stylegraph as Partial<Pkg['stylegraph']>).namespace)).toEqual(['warning MANIFEST_INVALID stylegraph.namespace']);
    expect(fields((p) => Object.assign(p.stylegraph, { main: 'x' }))).toEqual(['error MANIFEST_INVALID stylegraph.main']);
    expect(fields((p) => delete (p as Partial<Pkg>).stylegraph)).toEqual(['warning MANIFEST_INVALID stylegraph']);
    expect(fields((p) => ((p as Record<string, unknown>).stylegraph = ['x']))).toEqual(['error MANIFEST_INVALID stylegraph']);
  });

  it('checks the capabilities’ shape', () => {
    const caps = (edit: (c: Record<string, unknown>) => void) => fields((p) => edit(p.stylegraph.capabilities as unknown as Record<string, unknown>));
    expect(caps((c) => (c.net = 'no'))).toEqual(['error MANIFEST_INVALID stylegraph.capabilities.net']);
    expect(caps((c) => (c.childProcess = 1))).toEqual(['error MANIFEST_INVALID stylegraph.capabilities.childProcess']);
    expect(caps((c) => (c.gpu = true))).toEqual(['error MANIFEST_INVALID stylegraph.capabilities.gpu']);
    expect(caps((c) => (c.fs = { read: '$graphDir' }))).toEqual(['error MANIFEST_INVALID stylegraph.capabilities.fs.read']);
    expect(caps((c) => (c.fs = { read: ['$graphDir', '$out/cache', '/data'], write: ['$out'] }))).toEqual([]);
    expect(caps((c) => (c.fs = { read: ['$graphDir/../x'] }))).toEqual(['error MANIFEST_INVALID stylegraph.capabilities.fs.read[0]']);
    expect(caps((c) => (c.fs = { write: ['relative/dir'] }))).toEqual(['error MANIFEST_INVALID stylegraph.capabilities.fs.write[0]']);
    expect(caps((c) => (c.fs = { read: [], exec: [] }))).toEqual(['error MANIFEST_INVALID stylegraph.capabilities.fs.exec']);
    expect(caps((c) => (c.maxMemoryMB = 0))).toEqual(['error MANIFEST_INVALID stylegraph.capabilities.maxMemoryMB']);
    expect(caps((c) => (c.maxMemoryMB = 512.5))).toEqual(['error MANIFEST_INVALID stylegraph.capabilities.maxMemoryMB']);
    expect(caps((c) => (c.timeoutS = -1))).toEqual(['error MANIFEST_INVALID stylegraph.capabilities.timeoutS']);
    expect(fields((p) => delete (p.stylegraph as Partial<Pkg['stylegraph']>).capabilities)).toEqual(['warning MANIFEST_INVALID stylegraph.capabilities']);
    const data = { name: 'stylegraph-plugin-ops', version: '1.0.0', keywords: ['stylegraph-plugin'], stylegraph: { apiVersion: '^2', namespace: 'ops', operators: './operators/*.json', capabilities: {} } };
    expect(checkManifest(data).map((p) => p.field)).toEqual(['stylegraph.capabilities']);
  });

  it('wants core as a peer and no install scripts', () => {
    expect(fields((p) => Object.assign(p, { dependencies: { '@stylegraph/core': '^2.0.0' } }))).toEqual(['error MANIFEST_INVALID dependencies.@stylegraph/core']);
    expect(fields((p) => delete (p as Partial<Pkg>).peerDependencies)).toEqual(['warning MANIFEST_INVALID peerDependencies.@stylegraph/core']);
    expect(fields((p) => (p.scripts = { ...p.scripts, postinstall: 'node x.js' } as never))).toEqual(['warning MANIFEST_INVALID scripts.postinstall']);
  });

  it('refuses what is not an object', () => {
    expect(checkManifest([])).toMatchObject([{ code: 'PACKAGE_JSON' }]);
    expect(checkManifest(null)).toMatchObject([{ code: 'PACKAGE_JSON' }]);
  });
});
