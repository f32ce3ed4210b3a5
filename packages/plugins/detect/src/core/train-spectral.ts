/**
 * Training a spectral detector on two image sets: every fifth image (index 4, 9, …) of each set is
 * held out for calibration, the rest are trained on — `views` post-processed views of each
 * (resize ×0.5–2, blur σ 0.1–1.5, JPEG q 50–95, each with probability ½, the same for both
 * classes; then a random 64 px crop of the upsized image). The calibration images are scored as
 * at run time (tiles), half of them clean and half post-processed.
 */
import type { Tensor } from '@stylegraph/core';
import { calibrate, type Calibration } from './calibration.js';
import { fitLogistic, type LinearModel } from './logistic.js';
import { averagePrecision, expectedCalibrationError, sigmoid, thresholdAtFpr } from './metrics.js';
import { scoreImages } from './score.js';
import { NUM_FEATURES, spectralFeatures } from './spectral.js';
import { TILE, upsize, type Planar } from './tiles.js';

/** Post-processing of one image (any size in, any size out), e.g. by @stylegraph/plugin-attacks. */
export type Augment = (img: Planar, rand: () => number) => Promise<Planar>;

export interface TrainResult {
  readonly model: LinearModel;
  readonly calibration: Calibration;
  readonly metrics: { readonly ap: number; readonly ece: number; readonly calibrationImages: { readonly real: number; readonly generated: number }; readonly trainImages: { readonly real: number; readonly generated: number } };
}

const image = (t: Tensor<'float32'>, b: number): Planar => {
  const [, , H, W] = t.dims as [number, number, number, number];
  return { data: t.data.subarray(b * 3 * H * W, (b + 1) * 3 * H * W), H, W };
};

function crop(img: Planar, rand: () => number): Float32Array {
  const u = upsize(img);
  const y0 = Math.floor(rand() * (u.H - TILE + 1));
  const x0 = Math.floor(rand() * (u.W - TILE + 1));
  const out = new Float32Array(3 * TILE * TILE); // [3, 64, 64]
  for (let c = 0; c < 3; c++) for (let y = 0; y < TILE; y++) out.set(u.data.subarray((c * u.H + y0 + y) * u.W + x0, (c * u.H + y0 + y) * u.W + x0 + TILE), (c * TILE + y) * TILE);
  return out;
}

export async function trainSpectral(
  real: Tensor<'float32'>,
  generated: Tensor<'float32'>,
  opts: { views: number; augment?: Augment; rand: () => number; progress?: (f: number, m: string) => void },
): Promise<TrainResult> {
  const split = (n: number) => ({ train: [...Array(n).keys()].filter((i) => i % 5 !== 4), cal: [...Array(n).keys()].filter((i) => i % 5 === 4) });
  const sr = split(real.dims[0]!);
  const sg = split(generated.dims[0]!);
  if (sr.cal.length < 20 || sg.cal.length < 20) throw new Error(`training needs at least 100 images of each kind (got ${real.dims[0]} real, ${generated.dims[0]} generated)`);
  const rows = (sr.train.length + sg.train.length) * opts.views;
  const x = new Float32Array(rows * NUM_FEATURES);
  const y = new Uint8Array(rows);
  let r = 0;
  for (const [set, label, idx] of [[real, 0, sr.train], [generated, 1, sg.train]] as const) {
    for (const b of idx) {
      for (let v = 0; v < opts.views; v++) {
        const img = opts.augment ? await opts.augment(image(set, b), opts.rand) : image(set, b);
        x.set(spectralFeatures(crop(img, opts.rand), 1), r * NUM_FEATURES);
        y[r++] = label;
      }
      if (r % 200 < opts.views) opts.progress?.((0.8 * r) / rows, `features ${r}/${rows}`);
    }
  }
  opts.progress?.(0.8, 'fitting');
  const model = fitLogistic(x, y, NUM_FEATURES);
  const score = async (set: Tensor<'float32'>, idx: readonly number[]) => {
    const out: number[] = [];
    for (const [k, b] of idx.entries()) {
      const img = opts.augment && k % 2 === 1 ? await opts.augment(image(set, b), opts.rand) : image(set, b);
      const s = await scoreImages(img.data, [1, 3, img.H, img.W], async (t, T) => {
        const f = spectralFeatures(t, T);
        return Float64Array.from({ length: T }, (_, i) => f.subarray(i * NUM_FEATURES, (i + 1) * NUM_FEATURES).reduce((a, v, j) => a + v * model.w[j]!, model.b));
      });
      out.push(s[0]!);
    }
    return out;
  };
  const cr = await score(real, sr.cal);
  const cg = await score(generated, sg.cal);
  opts.progress?.(0.95, 'calibrating');
  const calibration = calibrate(cr, cg);
  const { a, b } = calibration.platt!;
  const all = [...cr, ...cg];
  const labels = [...cr.map(() => 0), ...cg.map(() => 1)];
  return {
    model,
    calibration,
    metrics: {
      ap: averagePrecision(all, labels),
      ece: expectedCalibrationError(all.map((s) => sigmoid(a * s + b)), labels),
      calibrationImages: { real: cr.length, generated: cg.length },
      trainImages: { real: sr.train.length, generated: sg.train.length },
    },
  };
}

/** The card's threshold table for FPR 0.1 %, 1 %, 5 %. */
export const thresholdTable = (cal: Calibration) => [0.001, 0.01, 0.05].map((fpr) => ({ fpr, threshold: thresholdAtFpr(cal.realScores, fpr) }));
