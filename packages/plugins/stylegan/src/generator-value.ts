/**
 * The value on Generator ports: a loaded model plus the sizes it binds. Nodes reach the model
 * only through `generatorModel`, and run its networks through `runtime` on the host's compute.
 */
import type { RunContext, Tensor } from '@stylegraph/core';
import { NodeError } from '@stylegraph/core';
import { StyleGAN2, layerLayout, wAvg, type LayerLayout, type LoadedModel } from '@stylegraph/ops-gpu';

/** Where a generator was loaded from: enough to open it again (what a stored handle holds). */
export interface GeneratorSource {
  /** Model folder or checkpoint file, relative to the host's files. */
  readonly path: string;
  /** conv_clamp given for a state-dict checkpoint. */
  readonly convClamp?: number | null;
}

/** A loaded generator as nodes see it on Generator ports. */
export interface StyleGANGenerator {
  readonly kind: 'generator';
  /** Identity of the weights (content hash), so caches and shape checks can tell models apart. */
  readonly id: string;
  readonly dims: { zDim: number; cDim: number; wDim: number; numWs: number; C: number; res: number };
  readonly model: LoadedModel;
  /** Its layer layout as plain data: value summaries carry it to editors' layer pickers. */
  readonly layout: LayerLayout;
  /** The file it was loaded from; absent for one made in memory (which cannot be stored as a handle). */
  readonly source?: GeneratorSource;
}

export function generatorValue(model: LoadedModel, source?: GeneratorSource): StyleGANGenerator {
  const g = model.config.generator;
  return {
    kind: 'generator',
    id: model.contentHash,
    dims: { zDim: g.zDim, cDim: g.cDim, wDim: g.wDim, numWs: g.numWs, C: g.imgChannels, res: g.resolution },
    model,
    layout: layerLayout(g),
    ...(source && { source }),
  };
}

/** The model behind a generator value; fails for a generator another plugin loaded. */
export function generatorModel(gen: StyleGANGenerator): LoadedModel {
  const model = (gen as Partial<StyleGANGenerator>).model;
  if (!model) throw new NodeError('GENERATOR_UNSUPPORTED', `generator ${gen.id} was not loaded by @stylegraph/plugin-stylegan`);
  return model;
}

/** The generator's layer layout (its ws, conv/noise and ToRGB layers by resolution). */
export function generatorLayout(gen: StyleGANGenerator): LayerLayout {
  return layerLayout(generatorModel(gen).config.generator);
}

/** Whether the generator is a StyleGAN3 one (input transforms, no noise inputs). */
export function isStyleGAN3Generator(gen: StyleGANGenerator): boolean {
  return generatorModel(gen).config.generator.architecture !== 'skip';
}

/** The generator's `w_avg [wDim]` (from its weights; needs no compute). */
export function generatorWAvg(gen: StyleGANGenerator): Tensor<'float32'> {
  const model = generatorModel(gen);
  return wAvg(model.config.generator, model.weights.generator);
}

/** The generator's networks on the host's compute (`ctx.services.compute`; sessions are shared across nodes). */
export function runtime(gen: StyleGANGenerator, ctx: RunContext): StyleGAN2 {
  return new StyleGAN2(generatorModel(gen), ctx.services.compute);
}
