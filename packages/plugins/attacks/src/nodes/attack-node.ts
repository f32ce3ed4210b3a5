/**
 * The node wrapper every attack shares: input `image` (Image [B, 3, H, W]), output `image`,
 * each batch item converted to 8-bit RGB (as io/SaveImage writes it), attacked, and converted
 * back. Pure: the same image and params give the same bytes.
 */
import { defineNode, type RunContext, type Tensor, type z } from '@stylegraph/core';
import { chainOutputSize, runAttacks } from '../attacks/apply.js';
import { itemToRgb, rgbDims, rgbToImage } from '../image/tensor-items.js';
import type { RgbImage } from '../image/rgb-image.js';
import type { AttackSpec } from '../spec/attack-spec.js';

export const CATEGORY = 'Attacks';

/** Runs `specs` on every item of an Image batch. */
export async function attackBatch(nodeType: string, image: Tensor<'float32'>, specs: readonly AttackSpec[], ctx: RunContext): Promise<Tensor<'float32'>> {
  const [B, , H, W] = rgbDims(nodeType, image);
  const items: RgbImage[] = [];
  for (let b = 0; b < B; b++) {
    ctx.throwIfAborted();
    items.push(await runAttacks(itemToRgb(image, b), specs));
    ctx.progress((b + 1) / B);
  }
  return rgbToImage(items, chainOutputSize(specs, W, H));
}

/** Output sizes from the input's, when known: each axis is sized on its own (no attack mixes them). */
function inferSizes(specs: readonly AttackSpec[], dims: Readonly<Record<string, number>>): { OH: number | undefined; OW: number | undefined } {
  return {
    OH: dims.H === undefined ? undefined : chainOutputSize(specs, 1, dims.H).height,
    OW: dims.W === undefined ? undefined : chainOutputSize(specs, dims.W, 1).width,
  };
}

export interface AttackNodeOptions<P extends z.ZodObject> {
  readonly type: string;
  readonly title: string;
  readonly description: string;
  readonly params: P;
  /** The node's params as attack steps. */
  readonly steps: (params: z.output<P>) => readonly AttackSpec[];
  /** The output may differ in size from the input (resize, crop, chains). */
  readonly resizes?: boolean;
}

export function attackNode<P extends z.ZodObject>(o: AttackNodeOptions<P>) {
  return defineNode({
    type: o.type,
    version: 1,
    title: o.title,
    category: CATEGORY,
    description: o.description,
    inputs: { image: { type: 'Image', shape: ['B', 3, 'H', 'W'] } }, // [B, 3, H, W] RGB in −1…1
    outputs: { image: { type: 'Image', shape: o.resizes ? ['B', 3, 'OH', 'OW'] : ['B', 3, 'H', 'W'] } },
    params: o.params,
    ...(o.resizes && { inferShapes: (params: z.output<P>, { dims }: { dims: Readonly<Record<string, number>> }) => inferSizes(o.steps(params), dims) }),
    purity: 'pure',
    run: async ({ inputs, params, ctx }) => ({ image: await attackBatch(o.type, inputs.image, o.steps(params), ctx) }),
  });
}
