/** `inversion/Encode`: images → W+ in one forward pass of the model folder's encoder. */
import { NodeError, defineNode, tensor, z, type Tensor } from '@stylegraph/core';
import { kinds } from '@stylegraph/plugin-stylegan';

export const Encode = defineNode({
  type: 'inversion/Encode',
  version: 1,
  title: 'Encode',
  category: 'Inversion',
  description: 'W+ for each image in one pass of the encoder shipped with the model (encoder.onnx in its folder): a start for Project, or an inversion of its own.',
  inputs: {
    generator: { type: kinds.Generator },
    image: { type: 'Image', shape: ['B', 'C', 'res', 'res'], description: 'Images at the generator’s resolution, in −1…1.' },
  },
  outputs: { w: { type: kinds.WPlus } },
  params: z.object({ batchSize: z.number().int().min(1).max(1024).default(64).describe('Images per encoder run.') }),
  purity: 'pure',
  run: async ({ inputs, params, ctx }) => {
    const gen = inputs.generator;
    const enc = gen.model.encoder;
    if (!enc) throw new NodeError('inversion/NO_ENCODER', `this generator has no encoder: its model folder${gen.source ? ` (${gen.source.path})` : ''} holds no encoder.onnx (train one with tools/inversion/train_encoder.py)`);
    const { numWs, wDim, C, res } = gen.dims;
    const B = inputs.image.dims[0]!;
    const session = await ctx.services.compute.session(enc.bytes);
    const [input] = session.inputNames;
    const out = new Float32Array(B * numWs * wDim);
    const per = C * res * res;
    for (let start = 0; start < B; start += params.batchSize) {
      ctx.throwIfAborted();
      const n = Math.min(params.batchSize, B - start);
      const img = tensor('float32', [n, C, res, res], inputs.image.data.slice(start * per, (start + n) * per));
      const { ws } = await session.run({ [input!]: img }, ['ws']);
      if (!ws || ws.dims.join() !== [n, numWs, wDim].join()) {
        throw new NodeError('inversion/ENCODER_SHAPE', `encoder.onnx gave ws [${ws?.dims.join(', ')}], this generator needs [${n}, ${numWs}, ${wDim}]`);
      }
      out.set(ws.data as Float32Array, start * numWs * wDim);
      ctx.progress((start + n) / B, `${start + n}/${B} images`);
    }
    const w: Tensor<'float32'> = tensor('float32', [B, numWs, wDim], out);
    return { w };
  },
});
