/**
 * The StyleGAN3 synthesis schedule: every layer's channels, sizes, sampling rates, cutoffs,
 * transition half-widths, resampling factors, filter taps and paddings, derived from the
 * network's hyperparameters exactly as "Alias-Free GANs" (and NVIDIA's stylegan3) define them:
 *   e_i = min(i / (L − critical), 1)                       i = 0 … L
 *   cutoff_i   = f_c0 · (res/2 / f_c0)^e_i
 *   stopband_i = f_t0 · (res/2 · stopband_rel / f_t0)^e_i
 *   rate_i     = 2^⌈log2 min(2 · stopband_i, res)⌉
 *   halfWidth_i = max(stopband_i, rate_i / 2) − cutoff_i
 *   size_i = rate_i + 2 · margin (the last two: res);  channels_i = rint(min(base/2 / cutoff_i, max))
 * Layer i maps layer i−1's signal (the input's for i = 0) to its own; the last is ToRGB.
 */

export type Sg3Architecture = 'stylegan3-t' | 'stylegan3-r';

export interface Sg3Params {
  readonly numLayers: number;
  readonly numCritical: number;
  readonly firstCutoff: number;
  readonly firstStopband: number;
  readonly lastStopbandRel: number;
  readonly marginSize: number;
  readonly outputScale: number;
  readonly channelBase: number;
  readonly channelMax: number;
  /** 3 for -T, 1 for -R (ToRGB is always 1×1). */
  readonly convKernel: number;
  /** Low-pass taps per unit of resampling factor. */
  readonly filterSize: number;
  /** Sampling-rate multiplier for the nonlinearity. */
  readonly lreluUpsampling: number;
}

/** NVIDIA's defaults for a StyleGAN3-T (-R: convKernel 1, channelBase and channelMax doubled). */
export const SG3_DEFAULTS: Sg3Params = {
  numLayers: 14,
  numCritical: 2,
  firstCutoff: 2,
  firstStopband: 2 ** 2.1,
  lastStopbandRel: 2 ** 0.3,
  marginSize: 10,
  outputScale: 0.25,
  channelBase: 32768,
  channelMax: 512,
  convKernel: 3,
  filterSize: 6,
  lreluUpsampling: 2,
};

/** The Fourier-feature input: its channels, size and band. */
export interface Sg3InputSpec {
  readonly channels: number;
  readonly size: number;
  readonly samplingRate: number;
  readonly bandwidth: number;
}

export interface Sg3LayerSpec {
  /** `L{i}_{size}_{channels}`, as NVIDIA names it. */
  readonly name: string;
  readonly toRgb: boolean;
  readonly criticallySampled: boolean;
  readonly inChannels: number;
  readonly outChannels: number;
  readonly inSize: number;
  readonly outSize: number;
  readonly inSamplingRate: number;
  readonly outSamplingRate: number;
  readonly inCutoff: number;
  readonly outCutoff: number;
  readonly inHalfWidth: number;
  readonly outHalfWidth: number;
  readonly kernel: number;
  readonly upFactor: number;
  readonly downFactor: number;
  /** 1 = no filter. */
  readonly upTaps: number;
  readonly downTaps: number;
  /** The downsampling filter is radially symmetric (2-D); otherwise separable. */
  readonly downRadial: boolean;
  /** [x_lo, x_hi, y_lo, y_hi] applied after upsampling (negative crops). */
  readonly padding: readonly [number, number, number, number];
}

export interface Sg3Schedule {
  readonly input: Sg3InputSpec;
  readonly layers: readonly Sg3LayerSpec[];
}

/** NumPy's rint: round half to even. */
const rint = (x: number) => {
  const r = Math.round(x);
  return Math.abs(x - Math.trunc(x)) === 0.5 && r % 2 !== 0 ? r - 1 : r;
};

export function sg3Schedule(resolution: number, imgChannels: number, p: Sg3Params, architecture: Sg3Architecture): Sg3Schedule {
  const L = p.numLayers;
  if (!(L > p.numCritical)) throw new RangeError(`stylegan3: numLayers (${L}) must exceed numCritical (${p.numCritical})`);
  const lastCutoff = resolution / 2;
  const lastStopband = lastCutoff * p.lastStopbandRel;
  const idx = Array.from({ length: L + 1 }, (_, i) => i);
  const e = idx.map((i) => Math.min(i / (L - p.numCritical), 1));
  const cutoffs = e.map((x) => p.firstCutoff * (lastCutoff / p.firstCutoff) ** x);
  const stopbands = e.map((x) => p.firstStopband * (lastStopband / p.firstStopband) ** x);
  const rates = stopbands.map((s) => 2 ** Math.ceil(Math.log2(Math.min(s * 2, resolution))));
  const halfWidths = idx.map((i) => Math.max(stopbands[i]!, rates[i]! / 2) - cutoffs[i]!);
  const sizes = idx.map((i) => (i >= L - 1 ? resolution : rates[i]! + 2 * p.marginSize));
  const channels = idx.map((i) => (i === L ? imgChannels : rint(Math.min(p.channelBase / 2 / cutoffs[i]!, p.channelMax))));
  const radial = architecture === 'stylegan3-r';

  const layers = idx.map((i): Sg3LayerSpec => {
    const prev = Math.max(i - 1, 0);
    const toRgb = i === L;
    const criticallySampled = i >= L - p.numCritical;
    const tmpRate = Math.max(rates[prev]!, rates[i]!) * (toRgb ? 1 : p.lreluUpsampling);
    const upFactor = Math.round(tmpRate / rates[prev]!);
    const downFactor = Math.round(tmpRate / rates[i]!);
    const upTaps = upFactor > 1 && !toRgb ? p.filterSize * upFactor : 1;
    const downTaps = downFactor > 1 && !toRgb ? p.filterSize * downFactor : 1;
    const kernel = toRgb ? 1 : p.convKernel;
    const inSize = sizes[prev]!;
    const outSize = sizes[i]!;
    const padTotal = (outSize - 1) * downFactor + 1 - (inSize + kernel - 1) * upFactor + upTaps + downTaps - 2;
    const lo = Math.floor((padTotal + upFactor) / 2);
    const hi = padTotal - lo;
    return {
      name: `L${i}_${outSize}_${channels[i]}`,
      toRgb,
      criticallySampled,
      inChannels: channels[prev]!,
      outChannels: channels[i]!,
      inSize,
      outSize,
      inSamplingRate: rates[prev]!,
      outSamplingRate: rates[i]!,
      inCutoff: cutoffs[prev]!,
      outCutoff: cutoffs[i]!,
      inHalfWidth: halfWidths[prev]!,
      outHalfWidth: halfWidths[i]!,
      kernel,
      upFactor,
      downFactor,
      upTaps,
      downTaps,
      downRadial: radial && !criticallySampled && downTaps > 1,
      padding: [lo, hi, lo, hi],
    };
  });
  return { input: { channels: channels[0]!, size: sizes[0]!, samplingRate: rates[0]!, bandwidth: cutoffs[0]! }, layers };
}
