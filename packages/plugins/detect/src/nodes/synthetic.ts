/** `detect/Synthetic`: is this image generated? A bundled (or user-trained) passive detector with its card. */
import { NodeError, defineNode, z } from '@stylegraph/core';
import '@stylegraph/ops-gpu'; // types ctx.services.compute as a Compute
import { judge } from '../core/calibration.js';
import { cardCalibration } from '../core/card.js';
import { loadCardDetector } from '../core/card-detector.js';
import { scoreImages } from '../core/score.js';
import { checkImage, detectionReport, fprParam, imageInput, intoInput, prefixParam } from './params.js';

export const Synthetic = defineNode({
  type: 'detect/Synthetic',
  version: 1,
  title: 'Detect generated image',
  category: 'Detect',
  description: 'Scores each image with a passive detector (ONNX + card): score, calibrated probability, p-value against real images, and the "synthetic" flag at a false-positive rate fixed on real images.',
  inputs: { image: imageInput, into: intoInput },
  outputs: { report: { type: 'Report' } },
  params: z.object({
    detector: z.string().regex(/\.card\.json$/, 'a detector card (.card.json)').describe('Detector card, relative to the graph (models/detectors/residual.card.json or spectral.card.json, or one the trainer wrote).'),
    fpr: fprParam,
    prefix: prefixParam,
  }),
  fileParams: ['detector'],
  purity: 'pure',
  run: async ({ inputs, params, ctx }) => {
    checkImage(inputs.image.dims, 'detect/Synthetic');
    const det = await loadCardDetector(ctx.files, params.detector, ctx.services.compute).catch((e: unknown) => {
      throw e instanceof NodeError ? e : new NodeError('MODEL_INVALID', (e as Error).message);
    });
    const B = inputs.image.dims[0]!;
    const scores = await scoreImages(inputs.image.data, inputs.image.dims, det.scoreTiles, (n) => ctx.progress(n / B));
    const cal = cardCalibration(det.card);
    const judged = Array.from(scores, (s) => judge(cal, s, params.fpr));
    return { report: detectionReport(scores, judged, { name: det.card.name, version: det.card.version, fpr: params.fpr }, params.prefix, inputs.into) };
  },
});
