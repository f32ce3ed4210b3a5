/**
 * `stylegan/LoadGenerator`: a model folder (config.json + safetensors), or a checkpoint file —
 * an NVIDIA StyleGAN2-ADA `.pkl` (read without executing it), a torch.save state dict or
 * safetensors. The executor caches the result by the files' content hashes, so a checkpoint
 * is converted once per session.
 */
import { NodeError, defineNode, z } from '@stylegraph/core';
import { CheckpointError, ModelFileError, loadModel, readCheckpoint } from '@stylegraph/ops-gpu';
import { generatorValue } from '../generator-value.js';

const CHECKPOINT = /\.(pkl|pt|pth|safetensors)$/i;

export const LoadGenerator = defineNode({
  type: 'stylegan/LoadGenerator',
  version: 1,
  title: 'Load generator',
  category: 'StyleGAN',
  description: 'Loads a stylegraph model folder or an NVIDIA StyleGAN2-ADA .pkl / state-dict checkpoint.',
  inputs: {},
  outputs: { generator: { type: 'Generator' } },
  params: z.object({
    path: z.string().min(1).describe('Model folder or checkpoint file, relative to the graph file.'),
    convClamp: z.number().positive().nullable().optional().describe('conv_clamp for state-dict checkpoints (they do not record it).'),
  }),
  fileParams: ['path'],
  purity: 'pure',
  run: async ({ params, ctx }) => {
    try {
      if (CHECKPOINT.test(params.path)) {
        const bytes = await ctx.files.read(params.path);
        ctx.progress(0.5, 'converting checkpoint');
        const opts = params.convClamp !== undefined ? { convClamp: params.convClamp } : {};
        return { generator: generatorValue(await readCheckpoint(bytes, params.path, opts)) };
      }
      const dir = params.path.replace(/\/+$/, '');
      const model = await loadModel({ read: (n) => ctx.files.read(`${dir}/${n}`), exists: (n) => ctx.files.exists(`${dir}/${n}`) });
      return { generator: generatorValue(model) };
    } catch (e) {
      if (e instanceof CheckpointError || e instanceof ModelFileError) throw new NodeError('MODEL_INVALID', `${params.path}: ${e.message}`);
      throw e;
    }
  },
});
