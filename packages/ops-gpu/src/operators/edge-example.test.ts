/**
 * The example data-only plugin examples/plugins/stylegraph-plugin-edge-onnx, loaded from its
 * folder as a host would (package.json → manifests → model) and run through core's executor on
 * a CPU compute, against a plain-TypeScript Sobel of the same definition.
 */
import { readFile, readdir } from 'node:fs/promises';
import { Registry, checkGraph, definePlugin, defineNode, execute, randn, tensor, z, type Tensor } from '@stylegraph/core';
import { beforeAll, describe, expect, it } from 'vitest';
import { nodeBackend } from '../backend/node.js';
import { createNodeCompute } from '../compute/node.js';
import { checkGradients } from '../grad/check.js';
import type { GraphBuilder } from '../onnx/builder.js';
import { operatorOf } from './plugin.js';
import { loadOperatorPackage } from './package.js';
import type { ResolvedPlugin } from '@stylegraph/core';

const ROOT = new URL('../../../../examples/plugins/stylegraph-plugin-edge-onnx/', import.meta.url);
const compute = createNodeCompute({ backend: 'cpu' });
const file = (p: string) => readFile(new URL(p, ROOT)).then((b) => new Uint8Array(b));

/** Gives an Image from its params. */
const src = definePlugin({
  name: 'stylegraph-plugin-test-src',
  version: '1.0.0',
  apiVersion: 2,
  nodes: [
    defineNode({
      type: 'src/Image',
      version: 1,
      title: 'Image',
      category: 'test',
      inputs: {},
      outputs: { image: { type: 'Image' } },
      params: z.object({ dims: z.array(z.int()).length(4), data: z.array(z.number()) }),
      purity: 'pure',
      run: ({ params }) => ({ image: tensor('float32', params.dims, Float32Array.from(params.data)) }),
    }),
  ],
});

/**
 * The operator's definition, written independently of the model (plain 2-D Sobel kernels on
 * the replicate-padded luma, in float64): 2·clip(strength·√(Gx² + Gy² + 1e-8)/8, 0, 1) − 1.
 */
function sobelReference(img: Float32Array, [B, , H, W]: readonly number[], strength: number): Float64Array {
  const out = new Float64Array(B! * 3 * H! * W!);
  const plane = H! * W!;
  for (let b = 0; b < B!; b++) {
    const luma = (i: number, j: number) => {
      const y = Math.min(Math.max(i, 0), H! - 1);
      const x = Math.min(Math.max(j, 0), W! - 1);
      const at = (c: number) => img[(b * 3 + c) * plane + y * W! + x]!;
      return 0.299 * at(0) + 0.587 * at(1) + 0.114 * at(2);
    };
    for (let i = 0; i < H!; i++) {
      for (let j = 0; j < W!; j++) {
        let gx = 0;
        let gy = 0;
        for (let di = -1; di <= 1; di++) {
          for (let dj = -1; dj <= 1; dj++) {
            const v = luma(i + di, j + dj);
            gx += dj * (2 - Math.abs(di)) * v; // [-1 0 1; -2 0 2; -1 0 1]
            gy += di * (2 - Math.abs(dj)) * v; // its transpose
          }
        }
        const e = Math.min(Math.max((strength * Math.sqrt(gx * gx + gy * gy + 1e-8)) / 8, 0), 1);
        for (let c = 0; c < 3; c++) out[(b * 3 + c) * plane + i * W! + j] = 2 * e - 1;
      }
    }
  }
  return out;
}

let plugin: ResolvedPlugin;
let registry: Registry;
beforeAll(async () => {
  plugin = await loadOperatorPackage({
    packageJson: JSON.parse(new TextDecoder().decode(await file('package.json'))),
    listFiles: async (dir) => readdir(new URL(dir || '.', ROOT)),
    readFile: file,
  });
  registry = new Registry([src, plugin]);
});

async function sobel(dims: number[], data: Float32Array, params: Record<string, unknown> = {}): Promise<Tensor<'float32'>> {
  const doc = {
    format: 'stylegraph.graph',
    formatVersion: 1,
    plugins: { 'stylegraph-plugin-test-src': '^1.0.0', 'stylegraph-plugin-edge-onnx': '^1.0.0' },
    nodes: { img: { type: 'src/Image', version: 1, params: { dims, data: Array.from(data) } }, sobel: { type: 'edge/Sobel', version: 1, params } },
    edges: [{ from: 'img.image', to: 'sobel.image' }],
  };
  const checked = checkGraph(doc, registry);
  expect(checked.diagnostics).toEqual([]);
  const s = await execute(checked.graph!, { files: { read: file, exists: async () => false, write: async () => '' }, services: { compute } });
  expect(s.nodes.sobel!.error).toBeUndefined();
  return s.outputs['sobel.edges'] as Tensor<'float32'>;
}

const maxDiff = (a: ArrayLike<number>, b: ArrayLike<number>) => {
  expect(a.length).toBe(b.length);
  let m = 0;
  for (let i = 0; i < a.length; i++) m = Math.max(m, Math.abs(a[i]! - b[i]!));
  return m;
};

// Two images, 5 × 7 (H ≠ W, so swapped axes show): smooth noise in −1…1.
const DIMS = [2, 3, 5, 7];
const IMAGE = Float32Array.from(randn(7, 2 * 3 * 5 * 7), (v) => Math.tanh(v));

describe('stylegraph-plugin-edge-onnx', () => {
  it('loads from its package.json as edge/Sobel, a pure, differentiable operator', () => {
    expect(plugin).toMatchObject({ name: 'stylegraph-plugin-edge-onnx', version: '1.0.0', namespace: 'edge' });
    expect(plugin.nodes.map((n) => n.type)).toEqual(['edge/Sobel']);
    const def = plugin.nodes[0]!;
    expect(def.purity).toBe('pure');
    expect(operatorOf(def)).toMatchObject({ differentiable: true, modelPath: 'operators/sobel.onnx', inputs: { image: 'image' }, outputs: { edges: 'edges' }, params: { strength: { kind: 'input', input: 'strength', dtype: 'float32' } } });
  });

  it('equals the plain-TypeScript Sobel within 1e-5 at several strengths', async () => {
    for (const strength of [1, 0.4, 3]) {
      const out = await sobel(DIMS, IMAGE, strength === 1 ? {} : { strength });
      expect(out.dims).toEqual(DIMS);
      // float32 model vs float64 reference on values of magnitude ≤ 1: rounding stays below 1e-5.
      expect(maxDiff(out.data, sobelReference(IMAGE, DIMS, strength))).toBeLessThan(1e-5);
    }
  });

  it('strength changes the output; 0 gives black, a full step gives white on the two columns beside it', async () => {
    expect(maxDiff((await sobel(DIMS, IMAGE, { strength: 0 })).data, new Float32Array(IMAGE.length).fill(-1))).toBe(0);
    expect(maxDiff((await sobel(DIMS, IMAGE, { strength: 2 })).data, (await sobel(DIMS, IMAGE)).data)).toBeGreaterThan(0.1);
    // One image, 4 × 6, black on the left three columns and white on the right three.
    const step = Float32Array.from({ length: 3 * 4 * 6 }, (_, i) => (i % 6 < 3 ? -1 : 1));
    const out = await sobel([1, 3, 4, 6], step);
    const row = Array.from(out.data.subarray(0, 6));
    row.forEach((v, j) => expect(v).toBeCloseTo(j === 2 || j === 3 ? 1 : -1, 4));
  });

  it('the committed model is what the generator script builds, and building is deterministic', async () => {
    const script = (await import(new URL('scripts/build-onnx.mjs', ROOT).href)) as { sobelModel(): Uint8Array; buildSobel(): GraphBuilder };
    const a = script.sobelModel();
    expect(Buffer.compare(Buffer.from(a), Buffer.from(script.sobelModel()))).toBe(0);
    expect(Buffer.compare(Buffer.from(a), Buffer.from(await file('operators/sobel.onnx')))).toBe(0);
    expect(a.byteLength).toBeLessThan(16 * 1024);
  });

  it('is differentiable: the gradients of its graph match finite differences', async () => {
    const script = (await import(new URL('scripts/build-onnx.mjs', ROOT).href)) as { buildSobel(size?: { B: number; H: number; W: number }): GraphBuilder };
    // At fixed sizes: ops-gpu's gradient of Pad (the border shifts) slices, which needs static sizes.
    const g = script.buildSobel({ B: 1, H: 4, W: 5 });
    const edges = g.outputs.get('edges')!;
    const loss = g.reduceSum(g.mul(edges, edges), undefined, false);
    const feeds = { image: tensor('float32', [1, 3, 4, 5], IMAGE.slice(0, 60)), strength: tensor('float32', [], Float32Array.of(0.5)) };
    const results = await checkGradients(g, loss, ['image', 'strength'], feeds, nodeBackend('cpu'), { eps: 1e-3, kinks: { scaled: [0, 1] } });
    for (const r of results) {
      expect(r.checked, r.input).toBeGreaterThan(0);
      expect(r.relError, r.input).toBeLessThan(5e-3);
    }
  });
});
