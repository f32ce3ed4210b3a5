// The sizes io nodes state for planning are the sizes they output.
import { describe, expect, it } from 'vitest';
import { tensor, type AnyNodeDefinition, type Tensor } from '@stylegraph/core';
import { ioPlugin } from './index.js';

const def = (type: string) => ioPlugin.nodes.find((n) => n.type === type)!;
const images = (n: number, c = 3, h = 5, w = 7) => tensor('float32', [n, c, h, w]);

/** [inferred output dims, actual output dims] of a node run on these inputs. */
async function sizes(d: AnyNodeDefinition, inputs: Record<string, Tensor>, params: Record<string, unknown>) {
  const p = d.params.parse(params);
  const [N, C, H, W] = inputs.image!.dims;
  const dims = { N, C, H, W, ...(inputs.rowHeader && { R: inputs.rowHeader.dims[0] }), ...(inputs.colHeader && { K: inputs.colHeader.dims[0] }) };
  const inferred = d.inferShapes!(p as never, { dims: dims as Record<string, number>, connected: new Set(Object.keys(inputs)) });
  const out = (await d.run({ inputs: inputs as never, params: p as never, ctx: {} as never })) as { image: Tensor };
  const shape = d.outputs.image!.shape!.map((s) => (typeof s === 'number' ? s : (inferred[s] ?? (dims as Record<string, number>)[s])));
  return [shape, out.image.dims];
}

describe('io node sizes', () => {
  it.each([
    [{ image: images(10) }, {}],
    [{ image: images(10) }, { cols: 3, padding: 2 }],
    [{ image: images(1) }, { padding: 5 }],
    [{ image: images(6), rowHeader: images(2), colHeader: images(3) }, { padding: 1 }],
    [{ image: images(4), rowHeader: images(2) }, { cols: 2 }],
    [{ image: images(5), colHeader: images(5) }, {}],
  ])('ImageGrid %#', async (inputs, params) => {
    const [planned, actual] = await sizes(def('io/ImageGrid'), inputs, params);
    expect(planned).toEqual(actual);
  });

  it('ImageGrid waits for the header row’s count before sizing', () => {
    const d = def('io/ImageGrid');
    expect(d.inferShapes!(d.params.parse({}) as never, { dims: { N: 4, H: 2, W: 2 }, connected: new Set(['image', 'colHeader']) })).toEqual({});
  });

  it.each([[{ groupSize: 0 }], [{ groupSize: 2 }], [{ groupSize: 5 }]])('PixelStd %o', async (params) => {
    const [planned, actual] = await sizes(def('io/PixelStd'), { image: images(10) }, params);
    expect(planned).toEqual(actual);
  });
});
