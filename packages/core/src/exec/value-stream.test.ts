import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { execute } from './executor.js';
import type { RunEvent } from './events.js';
import { valueStream } from './value-stream.js';
import { checkGraph } from '../graph/validate.js';
import { defineNode, definePlugin, PLUGIN_API_VERSION } from '../plugin/define.js';
import { Registry } from '../plugin/registry.js';
import { memoryFiles } from '../testing/fixture-plugin.js';
import { tensor } from '../values/tensor.js';

/** Shows its image improving and a loss falling, as an optimizer node would. */
const Optimize = defineNode({
  type: 'opt/Optimize',
  version: 1,
  title: 'Optimize',
  category: 'T',
  inputs: {},
  outputs: { image: { type: 'Image' } },
  params: z.object({ steps: z.number().int().default(3) }),
  purity: 'pure',
  run: ({ params, ctx }) => {
    let img = tensor('float32', [1, 1, 1, 1]);
    for (let i = 1; i <= params.steps; i++) {
      img = tensor('float32', [1, 1, 1, 1], new Float32Array([i / params.steps]));
      ctx.show('preview', img, i);
      ctx.show('loss', 1 / i, i);
    }
    return { image: img };
  },
});
const registry = new Registry([definePlugin({ name: 'opt', version: '1.0.0', apiVersion: PLUGIN_API_VERSION, nodes: [Optimize] })]);
const graph = checkGraph({ format: 'stylegraph.graph', formatVersion: 1, plugins: { opt: '^1.0.0' }, nodes: { o: { type: 'opt/Optimize', version: 1 } }, edges: [] }, registry).graph!;

describe('intermediate values', () => {
  it('ctx.show emits node-value events, in order, with their steps', async () => {
    const events: RunEvent[] = [];
    await execute(graph, { files: memoryFiles().access, onEvent: (e) => events.push(e) });
    const shown = events.filter((e) => e.type === 'node-value');
    expect(shown.map((e) => [e.name, e.step])).toEqual([['preview', 1], ['loss', 1], ['preview', 2], ['loss', 2], ['preview', 3], ['loss', 3]]);
    expect(shown[5]).toMatchObject({ node: 'o', value: 1 / 3 });
  });

  it('a value stream delivers a node’s previews in the order they were made, the outputs last', async () => {
    const got: string[] = [];
    let n = 0;
    // The first preview takes longest: order must still hold.
    const make = async (values: Readonly<Record<string, unknown>>) => {
      const [name, v] = Object.entries(values)[0]!;
      const delay = 30 - 10 * n++;
      await new Promise((r) => setTimeout(r, Math.max(0, delay)));
      const t = v as { data?: Float32Array };
      return t.data ? [`${name}:${t.data[0]!.toFixed(2)}`] : [];
    };
    const stream = valueStream<string>({ event: () => {}, values: (node, v, step) => got.push(`values ${node} ${Object.keys(v).join(',')}${step === undefined ? '' : `@${step}`}`), previews: (node, p) => got.push(`preview ${node} ${p.join(',')}`) }, make);
    await execute(graph, { files: memoryFiles().access, onEvent: stream.onEvent, onOutputs: stream.onOutputs });
    await stream.settled();
    expect(got.filter((g) => g.startsWith('preview'))).toEqual(['preview o preview:0.33', 'preview o preview:0.67', 'preview o preview:1.00', 'preview o image:1.00']);
    expect(got.filter((g) => g.startsWith('values'))).toEqual(['values o preview@1', 'values o loss@1', 'values o preview@2', 'values o loss@2', 'values o preview@3', 'values o loss@3', 'values o image']);
  });
});
