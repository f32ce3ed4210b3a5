/**
 * `io/SaveImage`: writes each image of a batch as an 8-bit PNG (NVIDIA's conversion:
 * clamp(x·127.5 + 128, 0, 255)). The PNG carries the graph document and this node's resolved
 * params in a tEXt chunk named "stylegraph", so `stylegraph run picture.png` re-runs it.
 */
import { NodeError, defineNode, outputPath, z, type Tensor } from '@stylegraph/core';
import { asciiJson, encodePng } from '../png/encode.js';

export const PNG_GRAPH_KEY = 'stylegraph';

/** `[C, H, W]` floats in −1…1 at batch index b → `[H, W, C]` bytes. */
export function toUint8(img: Tensor<'float32'>, b: number): Uint8Array {
  const [, C, H, W] = img.dims as [number, number, number, number];
  const out = new Uint8Array(H * W * C);
  const base = b * C * H * W;
  for (let c = 0; c < C; c++) {
    for (let i = 0; i < H * W; i++) {
      const v = img.data[base + c * H * W + i]! * 127.5 + 128;
      out[i * C + c] = v <= 0 ? 0 : v >= 255 ? 255 : Math.trunc(v);
    }
  }
  return out;
}

/** `image-{index:04}.png` → `image-0007.png`. */
export function expandTemplate(template: string, index: number): string {
  return template.replace(/\{index(?::0?(\d+))?\}/g, (_m, width: string | undefined) => String(index).padStart(Number(width ?? 0), '0'));
}

export const SaveImage = defineNode({
  type: 'io/SaveImage',
  version: 1,
  title: 'Save image',
  category: 'Image I/O',
  description: 'Writes PNGs (one per image) into the output folder, with the graph embedded for re-running.',
  inputs: { image: { type: 'Image' } },
  outputs: { count: { type: 'integer' } },
  params: z.object({
    path: outputPath('png')
      .default('image-{index:04}.png')
      .describe('File name template; {index} or {index:04} is the image’s index in the batch (in the whole job, when the run is a shard of a batch job).'),
    embedGraph: z.boolean().default(true).describe('Embed the graph and params in the PNG.'),
  }),
  purity: 'effect',
  perItem: true,
  run: async ({ inputs, params, ctx }) => {
    const [B, C, H, W] = inputs.image.dims as [number, number, number, number];
    if (![1, 3, 4].includes(C)) throw new NodeError('IMAGE_CHANNELS', `PNG needs 1, 3 or 4 channels, the image has ${C}`);
    if (B > 1 && !/\{index/.test(params.path)) throw new NodeError('PATH_TEMPLATE', `${B} images need {index} in the path template "${params.path}"`);
    // In a shard of a batch job every shard writes its images: one name for all would be overwritten.
    if (ctx.batchOffset !== undefined && !/\{index/.test(params.path)) throw new NodeError('PATH_TEMPLATE', `a batch job's images need {index} in the path template "${params.path}"`);
    const text: Record<string, string> = params.embedGraph && ctx.document ? { [PNG_GRAPH_KEY]: asciiJson({ graph: ctx.document, node: ctx.nodeId, params: ctx.params }) } : {};
    for (let b = 0; b < B; b++) {
      ctx.throwIfAborted();
      const png = await encodePng(toUint8(inputs.image, b), W, H, C as 1 | 3 | 4, text);
      const written = await ctx.files.write(expandTemplate(params.path, (ctx.batchOffset ?? 0) + b), png);
      ctx.log.info(`wrote ${written}`);
      ctx.progress((b + 1) / B);
    }
    return { count: B };
  },
});
