/**
 * @stylegraph/plugin-detect — is this image generated, and by whose model? Calibrated passive
 * detectors (a residual CNN and a spectral detector, each an ONNX model with a card), the
 * model's own discriminator, any ONNX classifier, a trainer for one's own spectral detector,
 * and a verdict that combines them with the keyed watermark.
 */
import { PLUGIN_API_VERSION, definePlugin } from '@stylegraph/core';
import { Synthetic } from './nodes/synthetic.js';
import { Discriminator } from './nodes/discriminator.js';
import { OnnxClassifier } from './nodes/onnx-classifier.js';
import { Verdict } from './nodes/verdict.js';
import { TrainSpectral } from './nodes/train-spectral.js';

export { Synthetic, Discriminator, OnnxClassifier, Verdict, TrainSpectral };
export { spectralFeatures, NUM_FEATURES, NUM_BINS } from './core/spectral.js';
export { tiles, tileOrigins, upsize, resizeBilinear, TILE, type Planar } from './core/tiles.js';
export { scoreImages, scoreEach, type TileScorer } from './core/score.js';
export { loadCardDetector, tileScorer, type CardDetector } from './core/card-detector.js';
export { discriminatorScorer } from './core/discriminator.js';
export { parseCard, cardCalibration, CardSchema, type Card } from './core/card.js';
export { calibrate, judge, type Calibration, type Judgement } from './core/calibration.js';
export { fitPlatt, thresholdAtFpr, expectedCalibrationError, averagePrecision, tprAtFpr, sigmoid } from './core/metrics.js';
export { fitLogistic, type LinearModel } from './core/logistic.js';
export { verdicts, type ImageVerdict, type VerdictKind } from './core/verdict.js';
export { postProcess, toRgb8, fromRgb8 } from './core/augment.js';

export const detectPlugin = definePlugin({
  name: '@stylegraph/plugin-detect',
  version: '0.1.0',
  apiVersion: PLUGIN_API_VERSION,
  description: 'Is this image generated? Calibrated passive detectors (residual CNN, spectral), the discriminator, any ONNX classifier, a trainer, and a verdict with the watermark.',
  nodes: [Synthetic, Discriminator, OnnxClassifier, Verdict, TrainSpectral],
});

export default detectPlugin;
