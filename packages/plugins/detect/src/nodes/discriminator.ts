/** `detect/Discriminator`: the model's own discriminator as a calibrated detector. */
import { NodeError, defineNode, z } from '@stylegraph/core';
import { loadModel, ModelFileError } from '@stylegraph/ops-gpu';
import { judge, type Calibration } from '../core/calibration.js';
import { calibrateFromInputs } from '../core/calibrate-inputs.js';
import { cardCalibration, parseCard } from '../core/card.js';
import { discriminatorScorer } from '../core/discriminator.js';
import { scoreImages } from '../core/score.js';
import { checkImage, detectionReport, fprParam, imageInput, realImagesInput, generatedImagesInput, intoInput, prefixParam } from './params.js';

export const Discriminator = defineNode({
  type: 'detect/Discriminator',
  version: 1,
  title: 'Discriminator detector',
  category: 'Detect',
  description: 'Scores each image with a model’s discriminator (score = −logit, per 64 px tile), calibrated by a card or by the real (and generated) images connected.',
  inputs: {
    image: imageInput,
    real: { ...realImagesInput, optional: true, description: 'Real images to fix the threshold on (instead of a card).' },
    generated: { ...generatedImagesInput, optional: true, description: 'Generated images for the probability’s Platt fit (with "real").' },
    into: intoInput,
  },
  outputs: { report: { type: 'Report' } },
  params: z.object({
    path: z.string().min(1).describe('Model folder with discriminator.safetensors, relative to the graph.'),
    card: z.string().regex(/\.card\.json$/, 'a calibration card (.card.json)').optional().describe('Calibration card of this model’s discriminator (e.g. models/detectors/faces64-discriminator.card.json).'),
    fpr: fprParam,
    prefix: prefixParam,
  }),
  fileParams: ['path', 'card'],
  purity: 'pure',
  run: async ({ inputs, params, ctx }) => {
    const node = 'detect/Discriminator';
    checkImage(inputs.image.dims, node);
    const dir = params.path.replace(/\/+$/, '');
    const model = await loadModel({ read: (n) => ctx.files.read(`${dir}/${n}`), exists: (n) => ctx.files.exists(`${dir}/${n}`) }).catch((e: unknown) => {
      throw e instanceof ModelFileError ? new NodeError('MODEL_INVALID', `${params.path}: ${e.message}`) : e;
    });
    let scoreTiles;
    try {
      scoreTiles = discriminatorScorer(model, ctx.services.compute);
    } catch (e) {
      throw new NodeError('MODEL_INVALID', `${params.path}: ${(e as Error).message}`);
    }
    const score = (t: typeof inputs.image) => scoreImages(t.data, t.dims, scoreTiles);
    let cal: Calibration;
    let name = `${model.config.name ?? dir} discriminator`;
    let version = model.contentHash.slice(0, 12);
    if (params.card !== undefined) {
      if (inputs.real) throw new NodeError('PARAM_INVALID', `${node}: give either a calibration card or "real" images, not both`);
      const card = parseCard(new TextDecoder().decode(await ctx.files.read(params.card)), params.card);
      if (card.kind !== 'discriminator') throw new NodeError('PARAM_INVALID', `${params.card} is a ${card.kind} detector's card, not a discriminator calibration`);
      if (card.modelHash !== model.contentHash) throw new NodeError('PARAM_INVALID', `${params.card} calibrates another model (${card.model}); ${params.path} has other weights — calibrate on its own real images`);
      cal = cardCalibration(card);
      name = card.name;
      version = card.version;
    } else {
      cal = await calibrateFromInputs(node, score, inputs.real, inputs.generated);
    }
    const scores = await scoreImages(inputs.image.data, inputs.image.dims, scoreTiles, (n) => ctx.progress(n / inputs.image.dims[0]!));
    return { report: detectionReport(scores, Array.from(scores, (s) => judge(cal, s, params.fpr)), { name, version, fpr: params.fpr }, params.prefix, inputs.into) };
  },
});
