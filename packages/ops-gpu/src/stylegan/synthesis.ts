/**
 * The synthesis network W+ → image (StyleGAN2's skip architecture), as an ONNX graph.
 * Inputs:  ws [B, numWs, wDim]; `noise.b{r}.conv{0,1}` [B, 1, r, r] per conv layer;
 *          noise_scale [L] (per-layer multipliers on the learned noise strengths).
 * Outputs: img [B, C, R, R]; and any requested feature taps (`b{r}.conv0|conv1|torgb|img`).
 * Noise modes are chosen by what is fed: random maps, the stored `noise_const`, or zeros.
 */
import { GraphBuilder, type Value } from '../onnx/index.js';
import { buildSg3Synthesis, sg3TapNames } from '../stylegan3/synthesis.js';
import { isStyleGAN3, noiseLayers, synthesisLayers, type GeneratorArch, type Sg2GeneratorArch, type SynthesisLayerInfo } from './arch.js';
import { lreluGainClamp, SQRT2 } from './layers.js';
import { modulatedConv, styles, type ModConvSpec } from './modconv.js';
import { upsample2d } from './resample.js';
import { Weights, type StateDict } from './weights.js';

export interface SynthesisOptions {
  /** Feature taps to expose as extra outputs (`tap:<name>`), or 'all'. */
  readonly taps?: readonly string[] | 'all';
}

export const noiseInputName = (layer: string) => `noise.${layer}`;

/** All tap names a synthesis network offers. */
export function synthesisTapNames(g: GeneratorArch): string[] {
  if (isStyleGAN3(g)) return sg3TapNames(g);
  const names: string[] = [];
  for (const l of synthesisLayers(g)) {
    names.push(l.name);
    if (l.kind === 'torgb') names.push(`b${l.res}.img`);
  }
  return names;
}

/**
 * The synthesis graph of either family; a StyleGAN3 graph takes `transform [B, 3, 3]` in place of
 * the noise inputs (stylegan3/synthesis.ts).
 */
export function buildSynthesis(g: GeneratorArch, dict: StateDict, opts: SynthesisOptions = {}): GraphBuilder {
  return isStyleGAN3(g) ? buildSg3Synthesis(g, dict, opts) : buildSg2Synthesis(g, dict, opts);
}

function buildSg2Synthesis(g: Sg2GeneratorArch, dict: StateDict, opts: SynthesisOptions): GraphBuilder {
  const b = new GraphBuilder();
  const w = new Weights(b, dict);
  const layers = synthesisLayers(g);
  const offered = synthesisTapNames(g);
  const wanted = new Set(opts.taps === 'all' ? offered : (opts.taps ?? []));
  for (const t of wanted) if (!offered.includes(t)) throw new Error(`synthesis: no feature tap "${t}" (taps: ${offered.join(', ')})`);

  const ws = b.input('ws', 'float32', ['B', g.numWs, g.wDim]);
  const withNoise = noiseLayers(g);
  const noise = new Map(withNoise.map((l) => [l.name, b.input(noiseInputName(l.name), 'float32', ['B', 1, l.res, l.res])]));
  const noiseScale = b.input('noise_scale', 'float32', [withNoise.length]);
  const tap = (name: string, v: Value) => {
    if (wanted.has(name)) b.output(`tap:${name}`, v);
  };
  const wRow = (i: number) => b.reshape(b.slice(ws, { starts: [i], ends: [i + 1], axes: [1] }), ['B', g.wDim]); // [B, wDim]

  const clamp = g.convClamp;
  let x: Value | undefined;
  let img: Value | undefined;
  for (const l of layers) {
    const name = `synthesis.${l.name}`;
    b.withScope(name, () => {
      if (l.kind === 'torgb') {
        const spec = modSpec(l, name, g, 1, false, 1 / Math.sqrt(l.inChannels));
        let y = modulatedConv(b, w, spec, x!, styles(b, w, spec, wRow(l.wIndex))); // [B, C, r, r]
        y = b.add(y, b.reshape(w.value(`${name}.bias`, [l.outChannels]), [1, l.outChannels, 1, 1]));
        if (clamp !== null) y = b.clip(y, { min: -clamp, max: clamp });
        tap(l.name, y);
        img = img ? b.add(upsample2d(b, img, g.imgChannels), y) : y;
        tap(`b${l.res}.img`, img);
        return;
      }
      if (l.kind === 'const-conv') {
        const cst = w.value(`synthesis.b4.const`, [l.inChannels, 4, 4]);
        x = b.expand(b.unsqueeze(cst, [0]), ['B', l.inChannels, 4, 4]); // [B, C, 4, 4]
      }
      const spec = modSpec(l, name, g, 3, true, 1);
      let y = modulatedConv(b, w, spec, x!, styles(b, w, spec, wRow(l.wIndex))); // [B, Co, r, r]
      // Noise: map · noise_strength · noise_scale[i], broadcast over channels.
      const i = withNoise.findIndex((n) => n.name === l.name);
      const strength = b.mul(b.slice(noiseScale, { starts: [i], ends: [i + 1] }), w.scalar(`${name}.noise_strength`)); // [1]
      y = b.add(y, b.mul(noise.get(l.name)!, strength));
      y = b.add(y, b.reshape(w.value(`${name}.bias`, [l.outChannels]), [1, l.outChannels, 1, 1]));
      x = lreluGainClamp(b, y, SQRT2, clamp);
      tap(l.name, x);
    });
  }
  b.output('img', img!);
  return b;
}

function modSpec(l: SynthesisLayerInfo, name: string, g: Sg2GeneratorArch, kernel: 1 | 3, demodulate: boolean, styleGain: number): ModConvSpec {
  return { name, inChannels: l.inChannels, outChannels: l.outChannels, kernel, wDim: g.wDim, up: l.kind === 'up-conv', demodulate, styleGain };
}
