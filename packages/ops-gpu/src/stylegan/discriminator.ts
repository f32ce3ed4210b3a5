/**
 * The discriminator (resnet architecture), as an ONNX graph for a fixed batch size (the
 * minibatch-stddev layer groups the batch). Inputs `img [B, C, R, R]` (and `c [B, cDim]`);
 * outputs `logits [B, 1]` and any requested taps (`b{r}`, `b4.conv`, `b4.fc`).
 */
import { GraphBuilder, type Value } from '../onnx/index.js';
import { blockResolutions, channelsAt, type DiscriminatorArch } from './arch.js';
import { fullyConnected, lreluGainClamp, SQRT2 } from './layers.js';
import { mappingLayers } from './mapping.js';
import { firDown } from './resample.js';
import { Weights, type StateDict } from './weights.js';

interface ConvLayer {
  readonly name: string;
  readonly inC: number;
  readonly outC: number;
  readonly kernel: 1 | 3;
  readonly down: boolean;
  readonly bias: boolean;
  readonly act: 'lrelu' | 'linear';
  readonly gain: number;
}

/** Conv2dLayer: weight · 1/√(Ci·k²), optional FIR downsampling, bias, act · gain, clamp · gain. */
function convLayer(b: GraphBuilder, w: Weights, l: ConvLayer, x: Value, clamp: number | null): Value {
  const k = l.kernel;
  let weight = w.scaled(`${l.name}.weight`, 1 / Math.sqrt(l.inC * k * k), [l.outC, l.inC, k, k]);
  const extra = k === 3 ? (4 - (l.inC % 4)) % 4 : 0;
  if (extra) {
    // onnxruntime's WebGPU Conv miscomputes 3×3 kernels whose input channels are not a multiple
    // of 4 (the minibatch-std epilogue has C + 1); zero channels leave the result unchanged.
    x = b.pad(x, [0, 0, 0, 0, 0, extra, 0, 0]); // [B, Ci + extra, H, W]
    weight = b.pad(weight, [0, 0, 0, 0, 0, extra, 0, 0]); // [Co, Ci + extra, k, k]
  }
  let y: Value;
  if (!l.down) {
    const p = (k - 1) / 2;
    y = b.conv(x, weight, undefined, { pads: [p, p, p, p] });
  } else if (k === 1) {
    y = b.conv(firDown(b, x, l.inC, 1, 2), weight); // filter + downsample, then 1×1
  } else {
    y = b.conv(firDown(b, x, l.inC, 2, 1), weight, undefined, { strides: [2, 2] }); // filter, then strided 3×3
  }
  if (l.bias) y = b.add(y, b.reshape(w.value(`${l.name}.bias`, [l.outC]), [1, l.outC, 1, 1]));
  const actGain = (l.act === 'lrelu' ? SQRT2 : 1) * l.gain;
  const actClamp = clamp !== null ? clamp * l.gain : null;
  if (l.act === 'lrelu') return lreluGainClamp(b, y, actGain, actClamp);
  if (actGain !== 1) y = b.mul(y, actGain);
  return actClamp !== null ? b.clip(y, { min: -actClamp, max: actClamp }) : y;
}

/** Minibatch standard deviation over groups of min(G, B), appended as F channels. */
function minibatchStd(b: GraphBuilder, x: Value, batch: number, C: number, H: number, groupSize: number, F: number): Value {
  const G = Math.min(groupSize, batch);
  if (batch % G !== 0) throw new Error(`discriminator: batch ${batch} is not a multiple of the minibatch-std group ${G}`);
  const n = batch / G;
  // Sample j of group g is x[g·n + j]; flattened to rank 3 (rank-6 reshapes trip some providers).
  const y0 = b.reshape(x, [G, n, C * H * H]); // [G, n, C·H·W]
  const centered = b.sub(y0, b.reduceMean(y0, [0], true));
  const std = b.sqrt(b.add(b.reduceMean(b.mul(centered, centered), [0], false), 1e-8)); // [n, C·H·W]
  const y = b.reshape(b.reduceMean(b.reshape(std, [n, F, (C / F) * H * H]), [2], false), [n, F, 1, 1]); // [n, F, 1, 1]
  return b.concat([x, b.tile(y, [G, 1, H, H])], 1); // [B, C + F, H, W]
}

export interface DiscriminatorOptions {
  readonly batch: number;
  readonly taps?: readonly string[] | 'all';
}

export const discriminatorTapNames = (d: DiscriminatorArch): string[] => [
  ...blockResolutions(d.resolution)
    .filter((r) => r > 4)
    .reverse()
    .map((r) => `b${r}`),
  'b4.conv',
  'b4.fc',
];

export function buildDiscriminator(d: DiscriminatorArch, dict: StateDict, opts: DiscriminatorOptions): GraphBuilder {
  const b = new GraphBuilder();
  const w = new Weights(b, dict);
  const B = opts.batch;
  const offered = discriminatorTapNames(d);
  const wanted = new Set(opts.taps === 'all' ? offered : (opts.taps ?? []));
  for (const t of wanted) if (!offered.includes(t)) throw new Error(`discriminator: no feature tap "${t}" (taps: ${offered.join(', ')})`);
  const tap = (name: string, v: Value) => {
    if (wanted.has(name)) b.output(`tap:${name}`, v);
  };
  const clamp = d.convClamp;
  const img = b.input('img', 'float32', [B, d.imgChannels, d.resolution, d.resolution]);
  const c = d.cDim > 0 ? b.input('c', 'float32', [B, d.cDim]) : undefined;

  let x: Value | undefined;
  for (const res of blockResolutions(d.resolution).filter((r) => r > 4).reverse()) {
    const tmp = channelsAt(d.channels, res, 'discriminator');
    const out = channelsAt(d.channels, res / 2, 'discriminator');
    const p = `b${res}`;
    x = b.withScope(p, () => {
      let h = x;
      if (h === undefined) {
        h = convLayer(b, w, { name: `${p}.fromrgb`, inC: d.imgChannels, outC: tmp, kernel: 1, down: false, bias: true, act: 'lrelu', gain: 1 }, img, clamp);
      }
      const half = Math.SQRT1_2;
      // The skip layer is never clamped (NVIDIA's DiscriminatorBlock does not pass conv_clamp to it).
      const skip = convLayer(b, w, { name: `${p}.skip`, inC: tmp, outC: out, kernel: 1, down: true, bias: false, act: 'linear', gain: half }, h, null);
      let y = convLayer(b, w, { name: `${p}.conv0`, inC: tmp, outC: tmp, kernel: 3, down: false, bias: true, act: 'lrelu', gain: 1 }, h, clamp);
      y = convLayer(b, w, { name: `${p}.conv1`, inC: tmp, outC: out, kernel: 3, down: true, bias: true, act: 'lrelu', gain: half }, y, clamp);
      return b.add(skip, y); // [B, out, res/2, res/2]
    });
    tap(p, x);
  }
  const C4 = channelsAt(d.channels, 4, 'discriminator');
  const logits = b.withScope('b4', () => {
    let h = x!;
    if (d.mbstdNumChannels > 0) h = minibatchStd(b, h, B, C4, 4, d.mbstdGroupSize, d.mbstdNumChannels);
    h = convLayer(b, w, { name: 'b4.conv', inC: C4 + d.mbstdNumChannels, outC: C4, kernel: 3, down: false, bias: true, act: 'lrelu', gain: 1 }, h, clamp);
    tap('b4.conv', h);
    let f = fullyConnected(b, w, 'b4.fc', b.reshape(h, [B, C4 * 16]), C4 * 16, C4, { activation: 'lrelu' }); // [B, C4]
    tap('b4.fc', f);
    const cmapDim = d.cDim > 0 ? (d.cmapDim ?? C4) : 0;
    f = fullyConnected(b, w, 'b4.out', f, C4, cmapDim || 1, { activation: 'linear' }); // [B, 1 | cmapDim]
    if (cmapDim === 0) return f;
    const m = d.mapping ?? { numLayers: 8, lrMultiplier: 0.01 };
    const cmap = b.withScope('mapping', () =>
      mappingLayers(b, w, { prefix: 'mapping', zDim: 0, cDim: d.cDim, wDim: cmapDim, ...m }, undefined, c),
    ); // [B, cmapDim]
    return b.mul(b.reduceSum(b.mul(f, cmap), [1], true), 1 / Math.sqrt(cmapDim)); // [B, 1]
  });
  b.output('logits', logits);
  return b;
}
