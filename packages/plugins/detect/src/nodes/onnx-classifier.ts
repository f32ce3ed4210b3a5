/** `detect/OnnxClassifier`: any user-supplied ONNX classifier (a CNNDetection or UnivFD export …), calibrated on real images. */
import { NodeError, defineNode, z } from '@stylegraph/core';
import '@stylegraph/ops-gpu'; // types ctx.services.compute as a Compute
import { judge } from '../core/calibration.js';
import { calibrateFromInputs } from '../core/calibrate-inputs.js';
import { classifierScores, type ClassifierSpec } from '../core/classifier.js';
import { checkImage, detectionReport, fprParam, imageInput, realImagesInput, generatedImagesInput, intoInput, prefixParam } from './params.js';

const triple = z.tuple([z.number().finite(), z.number().finite(), z.number().finite()]);

export const OnnxClassifier = defineNode({
  type: 'detect/OnnxClassifier',
  version: 1,
  title: 'ONNX classifier detector',
  category: 'Detect',
  description: 'Scores each image with a user-supplied ONNX classifier (declared input size, normalization and output column), its threshold fixed on the real images connected.',
  inputs: {
    image: imageInput,
    real: { ...realImagesInput, description: 'Real images of the domain (at least 20) to fix the threshold and p-values on.' },
    generated: { ...generatedImagesInput, optional: true, description: 'Generated images for a Platt fit of the probability.' },
    into: intoInput,
  },
  outputs: { report: { type: 'Report' } },
  params: z.object({
    model: z.string().regex(/\.onnx$/i, 'an .onnx file').describe('The classifier, relative to the graph: input NCHW float32, output [B, K] (or [B]).'),
    name: z.string().min(1).max(100).default('onnx-classifier').describe('Name in the report.'),
    size: z.number().int().min(8).max(1024).default(224).describe('Input size (square) the classifier takes.'),
    mean: triple.default([0.485, 0.456, 0.406]).describe('Per-channel mean subtracted from pixel values in 0…1 (default: ImageNet).'),
    std: triple.refine((s) => s.every((v) => v > 0), 'std must be positive').default([0.229, 0.224, 0.225]).describe('Per-channel std the values are divided by.'),
    index: z.number().int().min(0).max(10_000).default(0).describe('Output column that is the score.'),
    positive: z.enum(['generated', 'real']).default('generated').describe('What a high value of that column means.'),
    fpr: fprParam,
    prefix: prefixParam,
  }),
  fileParams: ['model'],
  purity: 'pure',
  run: async ({ inputs, params, ctx }) => {
    const node = 'detect/OnnxClassifier';
    checkImage(inputs.image.dims, node);
    const session = await ctx.services.compute.session(await ctx.files.read(params.model)).catch((e: unknown) => {
      throw new NodeError('MODEL_INVALID', `${params.model}: not an ONNX model onnxruntime can open (${(e as Error).message.split('\n')[0]})`);
    });
    const spec: ClassifierSpec = { size: params.size, mean: params.mean, std: params.std, index: params.index, positive: params.positive };
    const score = async (t: typeof inputs.image) => {
      try {
        return await classifierScores(session, t, spec);
      } catch (e) {
        throw new NodeError('MODEL_INVALID', `${params.model}: ${(e as Error).message.split('\n')[0]}`);
      }
    };
    const cal = await calibrateFromInputs(node, score, inputs.real, inputs.generated);
    const scores = await score(inputs.image);
    return { report: detectionReport(scores, Array.from(scores, (s) => judge(cal, s, params.fpr)), { name: params.name, version: 'user', fpr: params.fpr }, params.prefix, inputs.into) };
  },
});
