/** Which plugin packages the page may import from, and that only their own JavaScript modules are served. */
import { mkdir, mkdtemp, realpath, rm, symlink, writeFile } from 'node:fs/promises';
import { createServer, request, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { PLUGIN_API_VERSION, type PluginDefinition } from '@stylegraph/core';
import { browserPlugin, pluginFilesHandler, type BrowserPlugin } from './plugin-files.js';

const plugin = (name: string) => ({ name, version: '1.0.0', apiVersion: PLUGIN_API_VERSION, nodes: [] }) as PluginDefinition;

describe('plugin modules for the page', () => {
  let root: string;
  let pkg: string;
  let server: Server;
  let offered: BrowserPlugin;

  beforeAll(async () => {
    root = await realpath(await mkdtemp(join(tmpdir(), 'sg-plugin-files-')));
    pkg = join(root, 'acme-tiles');
    const files: Record<string, string> = {
      'package.json': JSON.stringify({ name: 'acme-tiles' }),
      'index.js': 'export default {};',
      'lib/util.mjs': 'export const x = 1;',
      '.hidden.js': 'secret',
      'node_modules/dep/index.js': 'dependency',
      'data.json': '{}',
      'dist/package.json': JSON.stringify({ type: 'module' }),
      'dist/index.js': 'export default {};',
    };
    for (const [path, text] of Object.entries(files)) {
      await mkdir(join(pkg, path, '..'), { recursive: true });
      await writeFile(join(pkg, path), text);
    }
    await writeFile(join(root, 'secret.js'), 'outside');
    await symlink(join(root, 'secret.js'), join(pkg, 'leak.js'));
    offered = (await browserPlugin({ plugin: plugin('acme-tiles'), file: join(pkg, 'index.js'), mode: 'trusted' }))!;
    const handle = pluginFilesHandler([offered]);
    server = createServer((req, res) => void handle(req, res, new URL(req.url ?? '/', 'http://localhost').pathname));
    await new Promise<void>((done) => server.listen(0, '127.0.0.1', done));
  });
  afterAll(async () => {
    await new Promise((done) => server.close(done));
    await rm(root, { recursive: true, force: true });
  });

  /** Status of a GET of `path`, sent as written (no client-side normalization). */
  const status = (path: string) =>
    new Promise<number | undefined>((done, fail) => request({ host: '127.0.0.1', port: (server.address() as AddressInfo).port, path }, (r) => done(r.resume().statusCode)).on('error', fail).end());

  it('offers a plugin whose entry lies in the package named like it', async () => {
    expect(offered).toEqual({ name: 'acme-tiles', dir: pkg, url: '/plugins/acme-tiles/index.js' });
    // A package.json without a name (dist/package.json) is not the package's.
    expect(await browserPlugin({ plugin: plugin('acme-tiles'), file: join(pkg, 'dist/index.js'), mode: 'trusted' })).toMatchObject({ url: '/plugins/acme-tiles/dist/index.js' });
    expect(await browserPlugin({ plugin: plugin('other-name'), file: join(pkg, 'index.js'), mode: 'trusted' })).toBeUndefined();
    expect(await browserPlugin({ plugin: plugin('../acme-tiles'), file: join(pkg, 'index.js'), mode: 'trusted' })).toBeUndefined();
    expect(await browserPlugin({ plugin: plugin('acme-tiles'), file: join(root, 'secret.js'), mode: 'trusted' })).toBeUndefined();
    expect(await browserPlugin({ plugin: plugin('acme-tiles'), file: join(root, 'missing.js'), mode: 'trusted' })).toBeUndefined();
    // An isolated plugin's code is offered for a Worker (with its time budget), never for the page itself.
    expect(await browserPlugin({ plugin: plugin('acme-tiles'), file: join(pkg, 'index.js'), mode: 'isolated' })).toMatchObject({ url: '/plugins/acme-tiles/index.js', worker: { timeoutS: 600 } });
    expect(await browserPlugin({ plugin: plugin('acme-tiles'), file: join(pkg, 'index.js'), mode: 'trusted' })).not.toHaveProperty('worker');
    expect(await browserPlugin({ plugin: plugin('acme-tiles'), file: join(pkg, 'index.js'), mode: 'builtin' })).toBeUndefined();
  });

  it('serves the package’s JavaScript modules and nothing else', async () => {
    expect(await status('/plugins/acme-tiles/index.js')).toBe(200);
    expect(await status('/plugins/acme-tiles/lib/util.mjs')).toBe(200);
    for (const path of [
      '/plugins/acme-tiles/leak.js',
      '/plugins/acme-tiles/.hidden.js',
      '/plugins/acme-tiles/node_modules/dep/index.js',
      '/plugins/acme-tiles/data.json',
      '/plugins/acme-tiles/package.json',
      '/plugins/acme-tiles/lib',
      '/plugins/acme-tiles/nope.js',
      '/plugins/acme-tiles/../secret.js',
      '/plugins/acme-tiles/%2e%2e/secret.js',
      '/plugins/acme-tiles/lib%2F..%2F..%2Fsecret.js',
      '/plugins/acme-tiles/%E0%A4%A.js',
      '/plugins/other/index.js',
      '/plugins/',
    ]) {
      expect(await status(path), path).toBe(404);
    }
  });
});
