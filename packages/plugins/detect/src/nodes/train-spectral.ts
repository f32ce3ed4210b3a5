/**
 * `detect/TrainSpectral`: trains a spectral detector on a user's own real and generated images
 * and writes `<out>.onnx` + `<out>.card.json` (for detect/Synthetic) into the output folder.
 */
import { NodeError, defineNode, z } from '@stylegraph/core';
import { Xoshiro128ss } from '@stylegraph/plugin-attacks';
import { postProcess } from '../core/augment.js';
import { spectralModel } from '../core/spectral-onnx.js';
import { thresholdTable, trainSpectral } from '../core/train-spectral.js';
import { TILE } from '../core/tiles.js';
import { realImagesInput, generatedImagesInput, checkImage } from './params.js';

export const TrainSpectral = defineNode({
  type: 'detect/TrainSpectral',
  version: 1,
  title: 'Train spectral detector',
  category: 'Detect',
  description: 'Trains and calibrates a spectral detector (power-spectrum rings → logistic regression) on real vs generated images; writes its ONNX model and card.',
  inputs: {
    real: { ...realImagesInput, description: 'Real images (at least 100).' },
    generated: { ...generatedImagesInput, description: 'Generated images (at least 100).' },
  },
  outputs: { report: { type: 'Report' } },
  params: z.object({
    out: z.string().regex(/^[A-Za-z0-9_][A-Za-z0-9_.-]{0,99}$/, 'a file name without folders').default('spectral-detector').describe('Name of the files written: <out>.onnx and <out>.card.json.'),
    name: z.string().min(1).max(100).default('spectral-custom').describe('Detector name in its card and reports.'),
    views: z.number().int().min(1).max(8).default(2).describe('Training views per image (each post-processed anew).'),
    augment: z.boolean().default(true).describe('Post-process the training views (resize, blur, JPEG) so no format shortcut is learned.'),
    seed: z.number().int().min(0).max(4294967295).default(0).describe('Seed of the views’ post-processing and crops.').meta({ widget: 'seed' }),
  }),
  purity: 'pure',
  run: async ({ inputs, params, ctx }) => {
    checkImage(inputs.real.dims, 'detect/TrainSpectral real');
    checkImage(inputs.generated.dims, 'detect/TrainSpectral generated');
    const rng = new Xoshiro128ss(params.seed);
    const r = await trainSpectral(inputs.real, inputs.generated, {
      views: params.views,
      ...(params.augment && { augment: postProcess }),
      rand: () => rng.uniform(),
      progress: (f, m) => ctx.progress(f, m),
    }).catch((e: unknown) => {
      throw e instanceof NodeError ? e : new NodeError('INPUT_INVALID', `detect/TrainSpectral: ${(e as Error).message}`);
    });
    const { a, b } = r.calibration.platt!;
    const card = {
      format: 'stylegraph.detector',
      formatVersion: 1,
      name: params.name,
      version: '1.0.0',
      kind: 'spectral',
      model: `${params.out}.onnx`,
      tile: TILE,
      score: 'the mean over 64 px tiles of the model’s logit (images under 64 px are first upsized, bilinear)',
      calibration: { method: 'platt', a, b, fittedOn: `every fifth image: ${r.metrics.calibrationImages.real} real + ${r.metrics.calibrationImages.generated} generated, half clean, half post-processed`, realScores: Array.from(r.calibration.realScores) },
      thresholds: thresholdTable(r.calibration),
      metrics: { ap: r.metrics.ap, ece: r.metrics.ece, on: 'the calibration images (the Platt fit’s own data)' },
      training: { images: r.metrics.trainImages, views: params.views, augment: params.augment, seed: params.seed },
    };
    const onnx = await ctx.files.write(`${params.out}.onnx`, spectralModel(r.model));
    const cardPath = await ctx.files.write(`${params.out}.card.json`, new TextEncoder().encode(`${JSON.stringify(card, null, 2)}\n`));
    ctx.progress(1, `wrote ${cardPath}`);
    return { report: { model: onnx, card: cardPath, ap: r.metrics.ap, ece: r.metrics.ece, threshold1: card.thresholds[1]!.threshold, trainReal: r.metrics.trainImages.real, trainGenerated: r.metrics.trainImages.generated } };
  },
});
