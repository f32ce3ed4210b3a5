/** Reading a plugin package's `"stylegraph"` field: defaults, what is flagged, one-line errors naming file and field. */
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { DEFAULT_CAPABILITIES, ManifestError, describeCapabilities, parsePluginManifest, readPluginManifest } from './plugin-manifest.js';

let dir: string;
beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'sg-manifest-'));
});
afterEach(() => rm(dir, { recursive: true, force: true }));

const write = (pkg: unknown) => writeFile(join(dir, 'package.json'), typeof pkg === 'string' ? pkg : JSON.stringify(pkg));
const base = { name: 'stylegraph-plugin-x', version: '1.2.3', keywords: ['stylegraph-plugin', 7], description: 'X things' };

describe('readPluginManifest', () => {
  it('reads a code plugin, filling the capabilities it leaves out', async () => {
    await write({ ...base, peerDependencies: { '@stylegraph/core': '^2.0.0' }, scripts: { build: 'tsc', postinstall: 'x', prepare: 'y' }, stylegraph: { apiVersion: 2, entry: './dist/index.js', namespace: 'x', capabilities: { fs: { read: ['$graphDir/in'] }, maxMemoryMB: 256 } } });
    expect(await readPluginManifest(dir)).toEqual({
      name: 'stylegraph-plugin-x',
      version: '1.2.3',
      dir,
      apiVersion: '^2',
      entry: './dist/index.js',
      namespace: 'x',
      capabilities: { fs: { read: ['$graphDir/in'], write: [] }, net: false, childProcess: false, maxMemoryMB: 256, timeoutS: 600 },
      installScripts: ['postinstall', 'prepare'],
      keywords: ['stylegraph-plugin'],
      description: 'X things',
      coreRange: '^2.0.0',
    });
  });

  it('reads a data-only plugin, and a package without the field as none', async () => {
    await write({ ...base, stylegraph: { apiVersion: '^2.0.0', operators: './operators/*.json' } });
    expect(await readPluginManifest(dir)).toMatchObject({ apiVersion: '^2.0.0', operators: './operators/*.json', capabilities: DEFAULT_CAPABILITIES, installScripts: [] });
    expect((await readPluginManifest(dir))?.entry).toBeUndefined();
    await write(base);
    expect(await readPluginManifest(dir)).toBeUndefined();
  });

  it('refuses what a host cannot load, in one line naming the file and the field', async () => {
    const file = join(dir, 'package.json');
    await expect(readPluginManifest(dir)).rejects.toThrow(`${file}: no package.json`);
    await write('{ nope');
    await expect(readPluginManifest(dir)).rejects.toThrow(new RegExp(`^${file}: not valid JSON`));
    await write('[1]');
    await expect(readPluginManifest(dir)).rejects.toThrow(`${file}: not a JSON object`);
    const cases: [unknown, string][] = [
      [{ ...base, name: 'Not A Name', stylegraph: { apiVersion: 2, entry: './i.js' } }, 'name: a plugin package needs an npm package name'],
      [{ ...base, version: 'one', stylegraph: { apiVersion: 2, entry: './i.js' } }, 'version: a plugin package needs a semver version'],
      [{ ...base, stylegraph: { apiVersion: 1, entry: './i.js' } }, 'stylegraph.apiVersion: the plugin targets plugin API ^1; this stylegraph provides API 2'],
      [{ ...base, stylegraph: { apiVersion: 'soon', entry: './i.js' } }, 'stylegraph.apiVersion: "soon" is not a semver range'],
      [{ ...base, stylegraph: { apiVersion: 2 } }, 'stylegraph: declare exactly one of "entry" (code) or "operators" (data-only ONNX operators)'],
      [{ ...base, stylegraph: { apiVersion: 2, entry: './i.js', operators: './o/*.json' } }, 'stylegraph: declare exactly one of'],
      [{ ...base, stylegraph: { apiVersion: 2, entry: '../i.js' } }, 'stylegraph.entry: must be a path inside the package'],
      [{ ...base, stylegraph: { apiVersion: 2, entry: '/abs/i.js' } }, 'stylegraph.entry: must be a path inside the package'],
      [{ ...base, stylegraph: { apiVersion: 2, operators: '../o/*.json' } }, 'stylegraph.operators: must be a path inside the package'],
      [{ ...base, stylegraph: { apiVersion: 2, operators: './o/*.json', capabilities: {} } }, 'stylegraph.capabilities: a data-only plugin runs no code and declares no capabilities'],
      [{ ...base, stylegraph: { apiVersion: 2, entry: './i.js', capabilities: { fs: { write: ['relative'] } } } }, 'stylegraph.capabilities.fs.write[0]: a path is $graphDir'],
      [{ ...base, stylegraph: { apiVersion: 2, entry: './i.js', capabilities: { fs: { read: ['$out/../up'] } } } }, 'stylegraph.capabilities.fs.read[0]: a path may not contain ".."'],
      [{ ...base, stylegraph: { apiVersion: 2, entry: './i.js', capabilities: { maxMemoryMB: 32 } } }, 'stylegraph.capabilities.maxMemoryMB'],
      [{ ...base, stylegraph: { apiVersion: 2, entry: './i.js', gpu: true } }, 'stylegraph.gpu: unknown field'],
      [{ ...base, stylegraph: { apiVersion: 2, entry: './i.js', namespace: 'Bad' } }, 'stylegraph.namespace: a namespace is lower-case letters, digits and dashes'],
    ];
    for (const [pkg, message] of cases) {
      await write(pkg);
      const e = await readPluginManifest(dir).catch((x: unknown) => x);
      expect(e, message).toBeInstanceOf(ManifestError);
      expect((e as Error).message.startsWith(`${file}: ${message}`), `${(e as Error).message} — expected ${message}`).toBe(true);
      expect((e as Error).message).not.toContain('\n');
    }
  });

  it('parses an already read package.json the same way', () => {
    expect(parsePluginManifest({ ...base }, dir)).toBeUndefined();
    expect(parsePluginManifest({ ...base, stylegraph: { apiVersion: '2.x', entry: 'i.js' } }, dir)).toMatchObject({ apiVersion: '2.x', entry: 'i.js' });
  });
});

describe('describeCapabilities', () => {
  it('says what a plugin may do in one line', () => {
    expect(describeCapabilities(DEFAULT_CAPABILITIES)).toBe('fs.read none; fs.write none; net no; childProcess no; memory 2048 MB; time 600 s');
    expect(describeCapabilities({ fs: { read: ['$graphDir', '/data'], write: ['$out'] }, net: true, childProcess: true, maxMemoryMB: 64, timeoutS: 1.5 })).toBe('fs.read $graphDir,/data; fs.write $out; net yes; childProcess yes; memory 64 MB; time 1.5 s');
  });
});
