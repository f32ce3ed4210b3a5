/**
 * Backend and gradient cost on a StyleGAN-sized conv stack: four 3×3 convolutions with
 * 128 channels, bias, leaky ReLU ×√2 and clamp on [B, 128, 64, 64]. Compares, in one run,
 * building the model, the cpu forward pass, forward + input gradient (the inversion step) and,
 * when STYLEGRAPH_BENCH_WEBGPU=1, the webgpu forward pass.
 *
 *   npx vitest bench --run packages/ops-gpu/bench
 */
import { tensor, type Tensor } from '@stylegraph/core';
import { bench, describe } from 'vitest';
import { nodeBackend } from '../src/backend/node.js';
import type { Session } from '../src/backend/types.js';
import { buildGradient } from '../src/grad/build.js';
import { GraphBuilder } from '../src/onnx/builder.js';
import type { Value } from '../src/onnx/graph.js';
import { Rng } from '../src/onnx/testing/rng.js';

const [B, C, R, LAYERS] = [2, 128, 64, 4];
const rng = new Rng(1);
const weights = Array.from({ length: LAYERS }, () => rng.floats(C * C * 9).map((v) => v / Math.sqrt(C * 9))); // [C, C, 3, 3] each

function build(): { g: GraphBuilder; loss: Value } {
  const g = new GraphBuilder();
  let x = g.input('x', 'float32', ['B', C, R, R]);
  for (let i = 0; i < LAYERS; i++) {
    g.withScope(`conv${i}`, () => {
      const w = g.initializer(`conv${i}.weight`, tensor('float32', [C, C, 3, 3], weights[i]));
      const b = g.initializer(`conv${i}.bias`, tensor('float32', [C], new Float32Array(C)));
      const y = g.conv(x, w, b, { pads: [1, 1, 1, 1] }); // [B, C, R, R]
      x = g.clip(g.mul(g.leakyRelu(y, 0.2), Math.SQRT2), { min: -256, max: 256 }); // [B, C, R, R]
    });
  }
  g.output('y', x);
  return { g, loss: g.reduceMean(g.mul(x, x), undefined, false) };
}

const { g, loss } = build();
const forward = g.toModel();
const gradient = buildGradient(g, loss, ['x']).toModel();
const feeds: Record<string, Tensor> = { x: tensor('float32', [B, C, R, R], rng.floats(B * C * R * R)) };

const cpu = nodeBackend('cpu');
const webgpu = nodeBackend('webgpu');
const cpuForward = await cpu.createSession(forward);
const cpuGradient = await cpu.createSession(gradient);
let gpuForward: Session | undefined;
if (process.env['STYLEGRAPH_BENCH_WEBGPU'] === '1' && (await webgpu.available()) === true) {
  gpuForward = await webgpu.createSession(forward);
}

describe(`conv stack ${LAYERS}× [${B}, ${C}, ${R}, ${R}]`, () => {
  bench('cpu forward', async () => {
    await cpuForward.run(feeds);
  });
  bench('cpu forward + gradient', async () => {
    await cpuGradient.run(feeds);
  });
  if (gpuForward) {
    const s = gpuForward;
    bench('webgpu forward', async () => {
      await s.run(feeds);
    });
  }
});

describe('model construction', () => {
  bench('build + serialize forward', () => {
    build().g.toModel();
  });
  bench('build + serialize gradient', () => {
    const m = build();
    buildGradient(m.g, m.loss, ['x']).toModel();
  });
});
