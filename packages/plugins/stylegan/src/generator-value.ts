/** The value on Generator ports: a loaded model plus the sizes it binds, and its runtime per backend. */
import type { GeneratorValue, RunContext } from '@stylegraph/core';
import { NodeError } from '@stylegraph/core';
import { StyleGAN2, type Backend, type LoadedModel } from '@stylegraph/ops-gpu';

export interface StyleGANGenerator extends GeneratorValue {
  readonly model: LoadedModel;
}

export function generatorValue(model: LoadedModel): StyleGANGenerator {
  const g = model.config.generator;
  return {
    kind: 'generator',
    id: model.contentHash,
    dims: { zDim: g.zDim, cDim: g.cDim, wDim: g.wDim, numWs: g.numWs, C: g.imgChannels, res: g.resolution },
    model,
  };
}

/** The generator's networks on the host's backend (sessions are shared across nodes). */
export function runtime(gen: GeneratorValue, ctx: RunContext): StyleGAN2 {
  const model = (gen as Partial<StyleGANGenerator>).model;
  if (!model) throw new NodeError('GENERATOR_UNSUPPORTED', `generator ${gen.id} was not loaded by @stylegraph/plugin-stylegan`);
  const backend = (ctx.backend ?? 'auto') as string | Backend;
  return new StyleGAN2(model, backend);
}
