/**
 * A tiny model (y = x + x on [4] float32) that backends run once to prove they work here.
 */
import { tensor, type Tensor } from '@stylegraph/core';
import { GraphBuilder } from '../onnx/builder.js';

/** The probe's bytes (built anew each call; a backend probes once). */
export function probeModel(): Uint8Array {
  const g = new GraphBuilder();
  const x = g.input('x', 'float32', [4]);
  g.output('y', g.add(x, x));
  return g.toModel({ name: 'probe' });
}

export const probeFeeds = (): Record<string, Tensor> => ({ x: tensor('float32', [4], Float32Array.of(1, 2, 3, 4)) });

/** Checks the probe's result: [2, 4, 6, 8]. */
export function probeOk(out: Record<string, Tensor>): boolean {
  const y = out['y'];
  return !!y && [...(y.data as Float32Array)].every((v, i) => v === 2 * (i + 1));
}
