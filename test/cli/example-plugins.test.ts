/**
 * The two example plugins as a user installs them — packed with `npm pack`, installed from the
 * tarballs into a fresh workspace — used by one graph through the CLI and the server: the sepia
 * plugin (code, run isolated) and the edge plugin (data-only ONNX). Their outputs match
 * independent references.
 */
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTRPCClient, httpBatchLink } from '@trpc/client';
import { startServer, type AppRouter, type RunningServer } from '@stylegraph/runner';
import { EDGE, SEPIA, examplesGraph, maxDiff, pluginWorkspace, readTensor, sepiaReference, sobelReference, type PluginWorkspace } from '../support/example-plugins.js';
import { stylegraph } from './run-cli.js';

let ws: PluginWorkspace;
beforeAll(async () => {
  ws = await pluginWorkspace();
}, 180_000);
afterAll(() => ws?.remove());

async function expectOutputs(dir: string) {
  const [faces, sepia, edges] = await Promise.all(['faces', 'sepia', 'edges'].map((n) => readTensor(join(dir, `${n}.npy`))));
  expect(sepia!.dims).toEqual([2, 3, 64, 64]);
  // float32 storage of a float64 computation.
  expect(maxDiff(sepia!.data as Float32Array, sepiaReference(faces!, 0.8))).toBeLessThan(1e-6);
  // onnxruntime's float32 Sobel against float64 (clipping makes most pixels exact).
  expect(maxDiff(edges!.data as Float32Array, sobelReference(sepia!, 2))).toBeLessThan(1e-4);
  // Not a trivial output: toned, and with edges somewhere.
  expect(maxDiff(sepia!.data as Float32Array, faces!.data as Float32Array)).toBeGreaterThan(0.05);
  expect(Math.max(...(edges!.data as Float32Array))).toBeGreaterThan(0);
}

describe('the example plugins, installed from their tarballs', () => {
  it('are listed by stylegraph plugins with how they run', () => {
    const r = stylegraph(['plugins', '--json'], ws.dir);
    expect(r.code).toBe(0);
    const { plugins } = JSON.parse(r.stdout) as { plugins: { name: string; kind: string; namespace?: string; warnings: string[] }[] };
    expect(plugins.map((p) => [p.name, p.kind, p.namespace, p.warnings])).toEqual([
      [EDGE, 'data', 'edge', []],
      [SEPIA, 'code', 'sepia', []],
    ]);
  });

  it('run through the CLI: sepia isolated, the edges as ONNX data', async () => {
    const r = stylegraph(['run', 'examples.graph.json', '--out', 'out-cli'], ws.dir);
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    await expectOutputs(join(ws.dir, 'out-cli'));
  });

  it('run through the server, which lists them with their badges and runs them the same way', async () => {
    const s: RunningServer = await startServer({ workspace: ws.dir, port: 0 });
    try {
      const c = createTRPCClient<AppRouter>({ links: [httpBatchLink({ url: `${s.origin}/trpc`, methodOverride: 'POST' })] });
      const types = await c.graph.nodeTypes.query();
      expect(types.plugins.find((p) => p.name === SEPIA)).toEqual({
        name: SEPIA,
        version: '0.1.0',
        runs: 'isolated',
        capabilities: 'fs.read none; fs.write none; net no; childProcess no; memory 512 MB; time 60 s',
        // The page runs its code in a Worker.
        browser: `/plugins/${SEPIA}/dist/index.js`,
        worker: { timeoutS: 60 },
      });
      expect(types.plugins.find((p) => p.name === EDGE)).toEqual({ name: EDGE, version: '1.0.0', runs: 'data', browser: `/plugins/${EDGE}/package.json`, operators: ['operators/sobel.json', 'operators/sobel.onnx', 'package.json'] });
      const started = await c.run.start.mutate({ graph: examplesGraph, path: 'examples.graph.json', backend: 'cpu' });
      expect(started.ok).toBe(true);
      const runId = (started as { runId: string }).runId;
      await fetch(`${s.origin}/trpc/run.events?input=${encodeURIComponent(JSON.stringify({ runId }))}`).then((r) => r.text());
      const result = await c.run.result.query({ runId });
      expect(result.status).toBe('ok');
      await expectOutputs(join(ws.dir, 'out', 'examples'));
      // The data plugin's files are served to the page; its package.json as JSON, its model as bytes.
      expect((await fetch(`${s.origin}/plugins/${EDGE}/operators/sobel.onnx`)).headers.get('content-type')).toBe('application/octet-stream');
      expect((await fetch(`${s.origin}/plugins/${EDGE}/README.md`)).status).toBe(404);
      for (const path of ['operators%2F..%2Fpackage.json', 'operators/../../stylegraph-plugin-sepia/package.json', '..%2F..%2Fpackage.json', 'operators/sobel.json%00']) {
        expect((await fetch(`${s.origin}/plugins/${EDGE}/${path}`)).status, path).toBe(404);
      }
      // Its code is served with core's import pointed at the editor's own copy (when an editor is built).
      const code = await (await fetch(`${s.origin}/plugins/${SEPIA}/dist/index.js`)).text();
      expect(code).toMatch(/export default definePlugin/);
      expect(code).not.toMatch(/from '@stylegraph\/core'/);
      expect((await fetch(`${s.origin}/plugins/${SEPIA}/package.json`)).status).toBe(404);
    } finally {
      await s.close();
    }
  });
});
