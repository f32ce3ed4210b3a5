import { tensor } from '@stylegraph/core';
import { expect, it } from 'vitest';
import { nodeBackend } from '../backend/node.js';
import { GraphBuilder } from '../onnx/builder.js';
import type { Value } from '../onnx/graph.js';
import { checkGradients } from './check.js';
import { CaseBuilder, Rng, weightedSum } from './testing/harness.js';

const [Ci, Co, WD, H, CLAMP] = [3, 4, 5, 4, 0.6];
const FIR = [1, 3, 3, 1].flatMap((a) => [1, 3, 3, 1].map((b) => (a * b) / 64));

/** 4×4 depthwise FIR (gain 4) over `channels` channels: [C, 1, 4, 4]. */
const fir = (c: CaseBuilder, channels: number) =>
  c.b.constant(tensor('float32', [channels, 1, 4, 4], Float32Array.from({ length: channels * 16 }, (_, i) => 4 * (FIR[i % 16] as number))));

/** upsample2d: zero insertion → pad 2/2 → 4×4 FIR: [B, C, H, H] → [B, C, 2H, 2H]. */
function upsample(c: CaseBuilder, x: Value, channels: number): Value {
  const one = c.b.constant(tensor('float32', [channels, 1, 1, 1], new Float32Array(channels).fill(1)));
  const z = c.b.convTranspose(x, one, undefined, { strides: [2, 2], group: channels }); // [B, C, 2H-1, 2H-1]
  return c.b.conv(c.b.pad(z, [0, 0, 2, 2, 0, 0, 2, 2]), fir(c, channels), undefined, { group: channels }); // [B, C, 2H, 2H]
}

/** A StyleGAN2 up-block conv layer (non-fused modulation) plus a ToRGB-like 1×1 and the skip path. */
function build(c: CaseBuilder): Value {
  const b = c.b;
  const x = c.input('x', ['B', Ci, H, H], { feedDims: [2, Ci, H, H] });
  const w = c.input('w', ['B', WD], { feedDims: [2, WD] });
  const img = c.input('img', ['B', 3, H, H], { feedDims: [2, 3, H, H] });
  const A = c.weight([Ci, WD], (z) => z / Math.sqrt(WD));
  const styles = b.gemm(w, A, b.constant(tensor('float32', [Ci], new Float32Array(Ci).fill(1))), { transB: true }); // [B, Ci]
  const W = c.weight([Co, Ci, 3, 3], (z) => z / Math.sqrt(Ci * 9));
  const Wt = b.transpose(W, [1, 0, 2, 3]); // [Ci, Co, 3, 3]
  const xs = b.mul(x, b.unsqueeze(styles, [2, 3])); // [B, Ci, H, H]
  const up = b.convTranspose(xs, Wt, undefined, { strides: [2, 2] }); // [B, Co, 2H+1, 2H+1]
  const filtered = b.conv(b.pad(up, [0, 0, 1, 1, 0, 0, 1, 1]), fir(c, Co), undefined, { group: Co }); // [B, Co, 2H, 2H]
  const wsq = b.transpose(b.reduceSum(b.mul(W, W), [2, 3], false), [1, 0]); // [Ci, Co]
  const d = b.pow(b.add(b.matmul(b.mul(styles, styles), wsq), 1e-8), -0.5); // [B, Co]
  const demod = b.mul(filtered, b.unsqueeze(d, [2, 3])); // [B, Co, 2H, 2H]
  const noisy = b.add(demod, b.mul(c.weight([1, 1, 2 * H, 2 * H]), 0.1)); // [B, Co, 2H, 2H]
  const pre = b.tap('pre_act', b.add(noisy, b.reshape(c.weight([Co], (z) => 0.1 * z), [1, Co, 1, 1])));
  const act = b.tap('pre_clamp', b.mul(b.leakyRelu(pre, 0.2), Math.SQRT2));
  const y = b.clip(act, { min: -CLAMP, max: CLAMP }); // [B, Co, 2H, 2H]
  const rgb = b.conv(y, c.weight([3, Co, 1, 1], (z) => z / 2)); // [B, 3, 2H, 2H]
  return b.add(upsample(c, img, 3), rgb); // [B, 3, 2H, 2H]
}

it('modulated conv ↑2 + FIR + demod + noise + lrelu + clamp + skip upsample: gradients match finite differences', async () => {
  const c = new CaseBuilder(new GraphBuilder(), new Rng(7));
  const loss = weightedSum(c, build(c));
  const results = await checkGradients(c.b, loss, c.wrt, c.feeds, nodeBackend('cpu'), {
    eps: 1e-3,
    kinks: { pre_act: [0], pre_clamp: [-CLAMP, CLAMP] },
  });
  for (const r of results) {
    if (process.env['STYLEGRAPH_GRADCHECK_REPORT']) console.log(`composite ${r.input}: rel ${r.relError.toExponential(2)} abs ${r.maxAbsError.toExponential(2)} scale ${r.scale.toFixed(3)} checked ${r.checked} skipped ${r.skipped}`);
    expect(r.checked).toBeGreaterThan(0.8 * (r.checked + r.skipped));
    expect(r.relError).toBeLessThan(1e-2);
  }
});

it('the composite actually clamps and rectifies (both kinks are exercised)', async () => {
  const c = new CaseBuilder(new GraphBuilder(), new Rng(7));
  build(c);
  const s = await nodeBackend('cpu').createSession(c.b.toModel({ outputs: ['pre_act', 'pre_clamp'] }));
  const out = await s.run(c.feeds);
  const pre = [...(out['pre_act']?.data as Float32Array)];
  const act = [...(out['pre_clamp']?.data as Float32Array)];
  expect(pre.filter((v) => v < 0).length).toBeGreaterThan(pre.length / 10);
  expect(act.filter((v) => Math.abs(v) > CLAMP).length).toBeGreaterThan(act.length / 20);
  await s.release();
});
