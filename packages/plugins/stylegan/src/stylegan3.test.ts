/**
 * StyleGAN3 through the nodes: InputTransform builds gen_images.py's inverse translate-rotate
 * matrix; Synthesis with a transform input reproduces the float64 reference's transformed
 * images (ops-gpu/fixtures/sg3t), batch by batch; noise is ignored with a warning; StyleGAN2
 * refuses transforms; StyleMix groups follow the connected generator's layout; the
 * equivariance metrics and the operators they compare through (checked against analytic
 * translations and rotations of smooth patterns; NVIDIA's own: tools/sg3ref/nvidia_crosscheck.py).
 */
import { readFile, stat } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { RandomState, Registry, checkGraph, execute, tensor, type FileAccess, type Tensor } from '@stylegraph/core';
import { layerLayout, loadModel, readSafetensors, type LoadedModel } from '@stylegraph/ops-gpu';
import { createNodeCompute, folderSource } from '@stylegraph/ops-gpu/node';
import { generatorValue, mixLayers, styleganPlugin } from './index.js';
import { accumulate, integerTranslation, psnrOf, type ErrorSums } from './equivariance.js';
import { affineBandlimitFilter, fractionalRotation, fractionalTranslation, pseudoRotation, rotationMatrix } from './eq-resample.js';

const fixtures = fileURLToPath(new URL('../../../ops-gpu/fixtures/', import.meta.url));
const demo = fileURLToPath(new URL('../../../../models/sg3t-demo64', import.meta.url));
const compute = createNodeCompute({ backend: 'cpu' });
const node = (type: string) => styleganPlugin.nodes.find((n) => n.type === type)!;
const warnings: string[] = [];
const ctx = { services: { compute }, throwIfAborted: () => {}, progress: () => {}, log: { warn: (m: string) => warnings.push(m), info: () => {}, debug: () => {} } };
const call = async (type: string, inputs: object, params: object) =>
  (await node(type).run({ inputs: inputs as never, params: node(type).params.parse(params) as never, ctx: ctx as never })) as Record<string, Tensor<'float32'>>;
const maxErr = (a: Tensor, b: Tensor) => {
  expect(a.dims).toEqual(b.dims);
  let m = 0;
  for (let i = 0; i < b.data.length; i++) m = Math.max(m, Math.abs(Number(a.data[i]) - Number(b.data[i])));
  return m;
};
const load = async (dir: string): Promise<LoadedModel> => loadModel(folderSource(dir));

/** A 3×3 matrix product (row-major). */
const matmul = (a: ArrayLike<number>, b: ArrayLike<number>) =>
  Array.from({ length: 9 }, (_, k) => [0, 1, 2].reduce((s, j) => s + a[Math.floor(k / 3) * 3 + j]! * b[j * 3 + (k % 3)]!, 0));

describe('stylegan/InputTransform', () => {
  it('gives the inverse of gen_images.py’s translate-rotate matrix', async () => {
    for (const [x, y, deg] of [[0.15, -0.1, 20], [-0.3, 0.05, -65], [0, 0, 0], [1.5, 2, 400]] as const) {
      const { transform } = await call('stylegan/InputTransform', {}, { translate: [x, y], rotate: deg });
      expect(transform!.dims).toEqual([1, 3, 3]);
      const a = (deg / 360) * 2 * Math.PI;
      const m = [Math.cos(a), Math.sin(a), x, -Math.sin(a), Math.cos(a), y, 0, 0, 1];
      matmul(m, transform!.data).forEach((v, k) => expect(v).toBeCloseTo(k % 4 === 0 ? 1 : 0, 6));
    }
  });

  it('sweeps linearly over frames, first and last frames being the endpoints', async () => {
    const { transform } = await call('stylegan/InputTransform', {}, { translate: [0.1, 0.3], rotate: 10, frames: 5, translateTo: [0.5, -0.1], rotateTo: 90 });
    expect(transform!.dims).toEqual([5, 3, 3]);
    const frame = (i: number) => Array.from(transform!.data.subarray(9 * i, 9 * i + 9), (v) => v + 0); // −0 → 0
    const one = async (translate: number[], rotate: number) => Array.from((await call('stylegan/InputTransform', {}, { translate, rotate })).transform!.data, (v) => v + 0);
    expect(frame(0)).toEqual(await one([0.1, 0.3], 10));
    expect(frame(4)).toEqual(await one([0.5, -0.1], 90));
    expect(frame(2)).toEqual(await one([0.3, 0.1], 50));
    const still = (await call('stylegan/InputTransform', {}, { translate: [0.1, 0.3], rotate: 10, frames: 3 })).transform!;
    expect(Array.from(still.data.subarray(18), (v) => v + 0)).toEqual(await one([0.1, 0.3], 10));
  });
});

describe('stylegan/Synthesis on a StyleGAN3 generator', async () => {
  const model = await load(`${fixtures}sg3t`);
  const generator = generatorValue(model);
  const cases = readSafetensors(new Uint8Array(await readFile(`${fixtures}sg3t/cases.safetensors`))).tensors as Map<string, Tensor<'float32'>>;
  const w = cases.get('ws')!;

  it('matches the reference with per-image transforms, in any batch size, and uses the stored one without', async () => {
    for (const batchSize of [1, 8]) {
      const { image } = await call('stylegan/Synthesis', { generator, w, transform: cases.get('transform')! }, { batchSize });
      expect(maxErr(image!, cases.get('img_tf')!), `batch ${batchSize}`).toBeLessThanOrEqual(1e-4);
    }
    expect(maxErr((await call('stylegan/Synthesis', { generator, w }, {})).image!, cases.get('img')!)).toBeLessThanOrEqual(1e-4);
  });

  it('applies a single transform to every image and refuses a count that is neither 1 nor B', async () => {
    const one = tensor('float32', [1, 3, 3], cases.get('transform')!.data.slice(0, 9));
    const { image } = await call('stylegan/Synthesis', { generator, w, transform: one }, {});
    const per = tensor('float32', [2, 3, 3], Float32Array.from([...one.data, ...one.data]));
    expect(Array.from(image!.data)).toEqual(Array.from((await call('stylegan/Synthesis', { generator, w, transform: per }, {})).image!.data));
    const three = tensor('float32', [3, 3, 3], new Float32Array(27));
    await expect(call('stylegan/Synthesis', { generator, w, transform: three }, {})).rejects.toThrow(/holds 3 transforms but W\+ has 2 images/);
  });

  it('ignores noise with a warning (StyleGAN3 has no noise inputs)', async () => {
    warnings.length = 0;
    const { image } = await call('stylegan/Synthesis', { generator, w, noise: { mode: 'random', seed: 1, scale: [] } }, {});
    expect(maxErr(image!, cases.get('img')!)).toBeLessThanOrEqual(1e-4);
    expect(warnings).toEqual(['this StyleGAN3 generator has no noise inputs; the noise input is ignored']);
  });
});

describe('StyleGAN2 generators and transforms', () => {
  it('refuse a non-identity transform and accept the identity', async () => {
    const model = await load(`${fixtures}small`);
    const generator = generatorValue(model);
    const { numWs, wDim } = generator.dims;
    const w = tensor('float32', [1, numWs, wDim], new Float32Array(numWs * wDim).fill(0.1));
    const moved = (await call('stylegan/InputTransform', {}, { translate: [0.1, 0] })).transform!;
    await expect(call('stylegan/Synthesis', { generator, w, transform: moved }, {})).rejects.toThrow(/StyleGAN2 generator; only StyleGAN3 generators take an input transform/);
    const identity = (await call('stylegan/InputTransform', {}, {})).transform!;
    const { image } = await call('stylegan/Synthesis', { generator, w, transform: identity }, {});
    expect(Array.from(image!.data)).toEqual(Array.from((await call('stylegan/Synthesis', { generator, w }, {})).image!.data));
  });
});

describe('StyleMix on StyleGAN3', () => {
  it('takes coarse / middle / fine from the connected generator’s layout', async () => {
    const g = generatorValue(await load(demo));
    const layout = layerLayout(g.model.config.generator);
    const coarse = layout.groups.find((x) => x.name === 'coarse')!.indices.ws;
    // The Fourier input and the layers whose band is at most 8 px.
    expect(coarse[0]).toBe(0);
    expect(mixLayers('coarse', 16, g.layout)).toEqual(coarse);
    expect(mixLayers('fine', 16, g.layout)).toEqual(layout.groups.find((x) => x.name === 'fine')!.indices.ws);
    // Without a generator, 16 ws read as the 512 px StyleGAN2 layout: a different split.
    expect(mixLayers('coarse', 16)).not.toEqual(coarse);
    const w = (v: number) => tensor('float32', [1, 16, 1], new Float32Array(16).fill(v));
    const { w: mixed } = await call('stylegan/StyleMix', { generator: g, rows: w(0), cols: w(1) }, { layers: 'coarse' });
    expect(Array.from(mixed!.data).flatMap((v, i) => (v === 1 ? [i] : []))).toEqual(coarse);
  });
});

describe('equivariance metrics', () => {
  const planes = (C: number, H: number, W: number, f: (c: number, y: number, x: number) => number) => {
    const data = new Float32Array(C * H * W);
    for (let c = 0; c < C; c++) for (let y = 0; y < H; y++) for (let x = 0; x < W; x++) data[(c * H + y) * W + x] = f(c, y, x);
    return { data, C, H, W };
  };
  const sums = (ref: Float32Array, img: Float32Array, mask: Float32Array): ErrorSums => {
    const s = { se: 0, count: 0 };
    accumulate(s, { ref, img, mask });
    return s;
  };
  const noise = (C: number, H: number, W: number, seed: number) => {
    const r = new RandomState(seed).randn(C * H * W);
    return planes(C, H, W, (c, y, x) => r[(c * H + y) * W + x]!);
  };

  it('EQ-T compares the shifted original with the moved image over the covered pixels only', () => {
    const a = noise(3, 8, 10, 1);
    const moved = integerTranslation(a, 3, -2);
    // Content moves right by 3 and up by 2; the uncovered border is masked out.
    expect(moved.z[(0 * 8 + 2) * 10 + 5]).toBe(a.data[(0 * 8 + 4) * 10 + 2]);
    expect(moved.mask.reduce((x, v) => x + v, 0)).toBe(3 * (8 - 2) * (10 - 3));
    const border = Float32Array.from(moved.z, (v, i) => (moved.mask[i] ? v : 5)); // a wrong border must not count
    expect(psnrOf(sums(moved.z, border, moved.mask))).toBe(999);
    const wrong = integerTranslation(a, -3, 2);
    expect(psnrOf(sums(wrong.z, border, Float32Array.from(wrong.mask, (v, i) => v * moved.mask[i]!)))).toBeLessThan(20);
    // PSNR for images in −1…1: 20·log10(2) − 10·log10(MSE).
    const plus = Float32Array.from(a.data, (v) => v + 0.1);
    expect(psnrOf(sums(a.data, plus, new Float32Array(a.data.length).fill(1)))).toBeCloseTo(20 * Math.log10(2) - 10 * Math.log10(0.01), 4);
    expect(integerTranslation(a, 10, 0).mask.every((v) => v === 0)).toBe(true);
    expect(psnrOf({ se: 0, count: 0 })).toBeNaN();
  });

  // A band-limited test pattern: a sum of slow plane waves, in normalized coordinates (x right, y down, −1…1 across).
  const wave = (x: number, y: number) => Math.cos(2 * Math.PI * (1.5 * x + 0.5 * y) + 0.3) + 0.5 * Math.sin(2 * Math.PI * (-0.7 * x + 2 * y));
  const norm = (i: number, n: number) => (2 * i + 1) / n - 1;
  const maxIn = (z: Float32Array, mask: Float32Array, want: (i: number) => number) => z.reduce((m, v, i) => (mask[i] ? Math.max(m, Math.abs(v - want(i))) : m), 0);

  it('fractional translation is the integer shift at whole pixels and moves a smooth pattern by the fraction', () => {
    const a = noise(2, 32, 32, 2);
    const whole = fractionalTranslation(a, 3 / 32, -5 / 32);
    const int = integerTranslation(a, 3, -5);
    expect(maxIn(whole.z, whole.mask, (i) => int.z[i]!)).toBeLessThan(1e-6);
    const p = planes(1, 64, 64, (_, y, x) => wave(norm(x, 64), norm(y, 64)));
    const t = fractionalTranslation(p, 0.0523, -0.031);
    // Content moves right by tx and down by ty image widths: 2·t in normalized units.
    expect(maxIn(t.z, t.mask, (i) => wave(norm(i % 64, 64) - 2 * 0.0523, norm(Math.floor(i / 64), 64) + 2 * 0.031))).toBeLessThan(0.02);
    expect(t.mask.reduce((x, v) => x + v, 0)).toBe((64 - 3 - 3) * (64 - 3 - 2));
  });

  it('fractional rotation turns a smooth pattern by α (clockwise on screen for α > 0) inside its mask', () => {
    const p = planes(1, 64, 64, (_, y, x) => wave(norm(x, 64), norm(y, 64)));
    for (const angle of [0.4, -1.1]) {
      const { z, mask } = fractionalRotation(p, angle);
      const [c, s] = [Math.cos(angle), Math.sin(angle)];
      // z(q) = p(θ q) with θ = rotation_matrix(α)⁻¹ = [[c, −s], [s, c]].
      const want = (i: number) => {
        const [x, y] = [norm(i % 64, 64), norm(Math.floor(i / 64), 64)];
        return wave(c * x - s * y, s * x + c * y);
      };
      expect(maxIn(z, mask, want)).toBeLessThan(0.03);
      expect(maxIn(z, mask, (i) => p.data[i]!)).toBeGreaterThan(0.5); // it did rotate
      expect(mask.reduce((x, v) => x + v, 0)).toBeGreaterThan(0.3 * 64 * 64);
    }
  });

  it('pseudo-rotation keeps smooth content and constants, and masks a border of 5 pixels', () => {
    const p = planes(1, 48, 48, (_, y, x) => wave(norm(x, 48), norm(y, 48)) * 0.2);
    const { z, mask } = pseudoRotation(p, 0.9);
    expect(maxIn(z, mask, (i) => p.data[i]!)).toBeLessThan(0.01);
    expect(mask.reduce((x, v) => x + v, 0)).toBe(38 * 38);
    const flat = pseudoRotation(planes(2, 20, 20, () => 0.7), -2.5);
    expect(maxIn(flat.z, flat.mask, () => 0.7)).toBeLessThan(1e-6);
  });

  it('the band-limit filter sums to 1/up² in every phase and is point-symmetric', () => {
    const m = rotationMatrix(0.6);
    const f = affineBandlimitFilter([m[0]!, m[1]!, m[3]!, m[4]!], 3, 6, 4);
    const K = 47;
    expect(f.length).toBe(K * K);
    const phase = new Float64Array(16);
    for (let i = 0; i < K; i++) for (let j = 0; j < K; j++) phase[(i % 4) * 4 + (j % 4)]! += f[i * K + j]!;
    for (const v of phase) expect(v).toBeCloseTo(1 / 16, 12);
    for (let i = 0; i < K; i++) for (let j = 0; j < K; j++) expect(f[i * K + j]).toBeCloseTo(f[(K - 1 - i) * K + (K - 1 - j)]!, 12);
  });

  it('gives what NVIDIA\'s metric code gives for the same latents and draws', async () => {
    // tools/sg3ref/nvidia_crosscheck.py: NVIDIA's metrics/equivariance.py operators and steps on
    // models/sg3t-demo64, seeds 0–3 through the mapping, RandomState(3) draws per image.
    const nvidia = { eqT: 48.003472437437374, eqTFrac: 48.63460659461218, eqR: 12.68952991981731 };
    const generator = generatorValue(await load(demo));
    const z = tensor('float32', [4, 64], Float32Array.from([0, 1, 2, 3].flatMap((seed) => Array.from(new RandomState(seed).randn(64)))));
    const { w } = await call('stylegan/Mapping', { generator, z }, {});
    let report: Record<string, number> | undefined;
    for (const metric of ['EQ-T', 'EQ-T_frac', 'EQ-R']) report = (await call('stylegan/Equivariance', { generator, w, ...(report && { into: report }) }, { metric, seed: 3 })).report as unknown as Record<string, number>;
    for (const [k, v] of Object.entries(nvidia)) expect(report![k], k).toBeCloseTo(v, 2);
    // Rotations of at most ±90° (rotate_max 0.5): NVIDIA gives 16.956 dB.
    const half = (await call('stylegan/Equivariance', { generator, w }, { metric: 'EQ-R', seed: 3, rotateMax: 0.5 })).report as unknown as Record<string, number>;
    expect(half.eqR).toBeCloseTo(16.95623915035557, 2);
  });

  it('EQ-T and EQ-T_frac are high for a StyleGAN3-T, EQ-R is not, and StyleGAN2 is refused', async () => {
    const generator = generatorValue(await load(demo));
    const { numWs, wDim } = generator.dims;
    const w = tensor('float32', [2, numWs, wDim], Float32Array.from(new RandomState(4).randn(2 * numWs * wDim)));
    const got: Record<string, number> = {};
    for (const metric of ['EQ-T', 'EQ-T_frac', 'EQ-R']) {
      const { report, pairs } = await call('stylegan/Equivariance', { generator, w }, { metric, seed: 1 });
      Object.assign(got, report);
      expect(pairs!.dims).toEqual([4, 3, 64, 64]);
    }
    // Measured: EQ-T 54.4, EQ-T_frac 54.6, EQ-R 5.9 dB (a -T network is built for translation only).
    expect(got.eqT).toBeGreaterThan(40);
    expect(got.eqTFrac).toBeGreaterThan(40);
    expect(got.eqR).toBeGreaterThan(0);
    expect(got.eqR).toBeLessThan(got.eqT! - 20);
    const sg2 = generatorValue(await load(`${fixtures}small`));
    await expect(call('stylegan/Equivariance', { generator: sg2, w }, {})).rejects.toThrow(/needs a StyleGAN3 generator/);
  });
});

describe('a StyleGAN3 graph', () => {
  it.each(['sg3t', 'pkl/sg3t.pkl'])('runs LoadGenerator (%s) → Mapping → Synthesis with an InputTransform', async (path) => {
    const files: FileAccess = {
      read: async (p) => new Uint8Array(await readFile(`${fixtures}${p}`)),
      exists: (p) => stat(`${fixtures}${p}`).then(() => true, () => false),
      write: async () => {
        throw new Error('no writes');
      },
    };
    const doc = {
      format: 'stylegraph.graph',
      formatVersion: 1,
      plugins: { '@stylegraph/plugin-stylegan': '^0.1.0' },
      nodes: {
        g: { type: 'stylegan/LoadGenerator', version: 1, params: { path } },
        z: { type: 'stylegan/SeedLatents', version: 1, params: { seeds: '0-2' } },
        m: { type: 'stylegan/Mapping', version: 1 },
        t: { type: 'stylegan/InputTransform', version: 1, params: { frames: 3, translateTo: [0.25, 0], rotateTo: 30 } },
        s: { type: 'stylegan/Synthesis', version: 1 },
      },
      edges: [['g.generator', 'z.generator'], ['g.generator', 'm.generator'], ['g.generator', 's.generator'], ['z.z', 'm.z'], ['m.w', 's.w'], ['t.transform', 's.transform']].map(([from, to]) => ({ from, to })),
    };
    const checked = checkGraph(doc, new Registry([styleganPlugin]));
    expect(checked.diagnostics).toEqual([]);
    const s = await execute(checked.graph!, { files, services: { compute }, targets: ['s'] });
    expect(s.nodes.s?.error).toBeUndefined();
    expect((s.outputs['s.image'] as Tensor).dims).toEqual([3, 3, 32, 32]);
  });
});
