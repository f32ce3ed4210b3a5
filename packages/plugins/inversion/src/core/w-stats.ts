/**
 * The centre and spread of W the projector starts from and scales its w noise by: w_avg and
 * w_std = √(Σ‖w − w_avg‖² / N) over N = 10,000 mapped z of one seed (NVIDIA's projector:
 * `np.random.RandomState(123).randn(10000, z_dim)`).
 */
import { RandomState, tensor, type Tensor } from '@stylegraph/core';
import type { StyleGAN2 } from '@stylegraph/ops-gpu';

export interface WStats {
  /** `[wDim]` */
  readonly avg: Float32Array;
  /** Root of the mean squared distance from w_avg (a scalar over all dimensions). */
  readonly std: number;
}

export async function wStats(sg: StyleGAN2, samples = 10000, seed = 123): Promise<WStats> {
  const { zDim, wDim, cDim } = sg.config;
  if (cDim > 0) throw new Error('projection of class-conditional generators is not supported');
  const z: Tensor<'float32'> = tensor('float32', [samples, zDim], Float32Array.from(new RandomState(seed).randn(samples * zDim)));
  const ws = await sg.mapping(z); // [N, numWs, wDim]
  const numWs = ws.dims[1]!;
  const avg = new Float64Array(wDim);
  const row = (n: number, d: number) => ws.data[(n * numWs) * wDim + d]!;
  for (let n = 0; n < samples; n++) for (let d = 0; d < wDim; d++) avg[d]! += row(n, d);
  for (let d = 0; d < wDim; d++) avg[d]! /= samples;
  let ss = 0;
  for (let n = 0; n < samples; n++) for (let d = 0; d < wDim; d++) ss += (row(n, d) - avg[d]!) ** 2;
  return { avg: Float32Array.from(avg), std: Math.sqrt(ss / samples) };
}
