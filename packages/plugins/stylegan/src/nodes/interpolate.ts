/**
 * `stylegan/Interpolate` (W+, linear) and `stylegan/InterpolateZ` (z, spherical): frames between
 * consecutive keyframes of a batch — K keys and `steps` frames per segment give (K−1)·steps + 1
 * frames, ending exactly on the last key.
 */
import { NodeError, defineNode, tensor, z, type ShapeInputs, type Tensor } from '@stylegraph/core';
import { WPlus, Z } from '../kinds.js';

type Mix = (a: Float32Array, b: Float32Array, t: number, out: Float32Array) => void;

const lerp: Mix = (a, b, t, out) => {
  for (let i = 0; i < a.length; i++) out[i] = a[i]! + t * (b[i]! - a[i]!);
};

/** Spherical interpolation of two vectors (falls back to lerp when they are parallel). */
const slerp: Mix = (a, b, t, out) => {
  let dot = 0;
  let na = 0;
  let nb = 0;
  for (let i = 0; i < a.length; i++) {
    dot += a[i]! * b[i]!;
    na += a[i]! ** 2;
    nb += b[i]! ** 2;
  }
  const omega = Math.acos(Math.min(1, Math.max(-1, dot / Math.sqrt(na * nb || 1))));
  if (omega < 1e-6) return lerp(a, b, t, out);
  const s = Math.sin(omega);
  const wa = Math.sin((1 - t) * omega) / s;
  const wb = Math.sin(t * omega) / s;
  for (let i = 0; i < a.length; i++) out[i] = wa * a[i]! + wb * b[i]!;
};

function frames(keys: Tensor<'float32'>, steps: number, mix: Mix): Tensor<'float32'> {
  const K = keys.dims[0]!;
  if (K < 2) throw new NodeError('KEYS_TOO_FEW', 'interpolation needs at least 2 keyframes in the batch');
  const size = keys.data.length / K;
  const n = (K - 1) * steps + 1;
  const out = new Float32Array(n * size);
  for (let f = 0; f < n; f++) {
    const seg = Math.min(Math.floor(f / steps), K - 2);
    const t = f / steps - seg;
    const a = keys.data.subarray(seg * size, (seg + 1) * size);
    const b = keys.data.subarray((seg + 1) * size, (seg + 2) * size);
    mix(a, b, t, out.subarray(f * size, (f + 1) * size));
  }
  return tensor('float32', [n, ...keys.dims.slice(1)], out);
}

const Steps = z.object({ steps: z.number().int().min(1).max(10_000).default(8).describe('Frames per segment between two keys.') });

/** F = (K − 1)·steps + 1 frames, once the number of keys K is known. */
const frameCount = (p: { steps: number }, { dims: { K } }: ShapeInputs) => ({ F: K !== undefined && K >= 2 ? (K - 1) * p.steps + 1 : undefined });

export const Interpolate = defineNode({
  type: 'stylegan/Interpolate',
  version: 1,
  title: 'Interpolate W+',
  category: 'Latents',
  description: 'Linear interpolation in W+ between consecutive latents of the batch.',
  inputs: { w: { type: WPlus, shape: ['K', 'numWs', 'wDim'] } },
  outputs: { w: { type: WPlus, shape: ['F', 'numWs', 'wDim'] } },
  params: Steps,
  inferShapes: frameCount,
  purity: 'pure',
  run: ({ inputs, params }) => ({ w: frames(inputs.w, params.steps, lerp) }),
});

export const InterpolateZ = defineNode({
  type: 'stylegan/InterpolateZ',
  version: 1,
  title: 'Interpolate z',
  category: 'Latents',
  description: 'Spherical interpolation in Z between consecutive latents of the batch.',
  inputs: { z: { type: Z, shape: ['K', 'zDim'] } },
  outputs: { z: { type: Z, shape: ['F', 'zDim'] } },
  params: Steps,
  inferShapes: frameCount,
  purity: 'pure',
  run: ({ inputs, params }) => ({ z: frames(inputs.z, params.steps, slerp) }),
});
