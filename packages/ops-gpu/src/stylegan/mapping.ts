/**
 * The mapping network z (+ class) → w, as an ONNX graph:
 *   x = normalize_2nd_moment(z); with classes x = concat(x, normalize_2nd_moment(embed(c)));
 *   numLayers fully connected layers (lr multiplier, lrelu·√2); broadcast to [B, numWs, wDim].
 * Truncation stays in TypeScript (w_avg is carried with the model).
 */
import type { Tensor } from '@stylegraph/core';
import { GraphBuilder, type Value } from '../onnx/index.js';
import type { GeneratorArch } from './arch.js';
import { fullyConnected, normalize2ndMoment } from './layers.js';
import { Weights, type StateDict } from './weights.js';

export interface MappingLayerSpec {
  /** State-dict prefix, `mapping` for G or D's conditioning network. */
  readonly prefix: string;
  readonly zDim: number;
  readonly cDim: number;
  readonly wDim: number;
  readonly numLayers: number;
  readonly lrMultiplier: number;
}

/** Adds the mapping layers to `b`; returns w `[B, wDim]`. */
export function mappingLayers(b: GraphBuilder, w: Weights, spec: MappingLayerSpec, z: Value | undefined, c: Value | undefined): Value {
  const parts: Value[] = [];
  if (spec.zDim > 0) parts.push(normalize2ndMoment(b, z!)); // [B, zDim]
  if (spec.cDim > 0) {
    const e = fullyConnected(b, w, `${spec.prefix}.embed`, c!, spec.cDim, spec.wDim, { activation: 'linear' }); // [B, wDim]
    parts.push(normalize2ndMoment(b, e));
  }
  let x = parts.length === 1 ? parts[0]! : b.concat(parts, 1); // [B, zDim + embed]
  let inF = (spec.zDim > 0 ? spec.zDim : 0) + (spec.cDim > 0 ? spec.wDim : 0);
  for (let i = 0; i < spec.numLayers; i++) {
    x = fullyConnected(b, w, `${spec.prefix}.fc${i}`, x, inF, spec.wDim, { lrMultiplier: spec.lrMultiplier, activation: 'lrelu' });
    inF = spec.wDim;
  }
  return x; // [B, wDim]
}

/**
 * The generator's mapping model. Inputs `z [B, zDim]` (and `c [B, cDim]` with classes);
 * outputs `w [B, wDim]` and `ws [B, numWs, wDim]`.
 */
export function buildMapping(g: GeneratorArch, dict: StateDict): GraphBuilder {
  const b = new GraphBuilder();
  const w = new Weights(b, dict);
  const z = g.zDim > 0 ? b.input('z', 'float32', ['B', g.zDim]) : undefined;
  const c = g.cDim > 0 ? b.input('c', 'float32', ['B', g.cDim]) : undefined;
  const spec = { prefix: 'mapping', zDim: g.zDim, cDim: g.cDim, wDim: g.wDim, ...g.mapping };
  const out = b.withScope('mapping', () => mappingLayers(b, w, spec, z, c));
  b.output('w', out);
  b.output('ws', b.expand(b.unsqueeze(out, [1]), ['B', g.numWs, g.wDim])); // [B, numWs, wDim]
  return b;
}

/** `w_avg [wDim]` from the state dict. */
export function wAvg(g: GeneratorArch, dict: StateDict): Tensor<'float32'> {
  const t = dict.get('mapping.w_avg');
  if (!t || t.dims.length !== 1 || t.dims[0] !== g.wDim) throw new Error(`weights: "mapping.w_avg" must have shape [${g.wDim}]`);
  return t;
}
