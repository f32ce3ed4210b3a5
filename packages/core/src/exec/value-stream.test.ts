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

  it('a value stream delivers a node’s previews in the order they were made, the latest waiting one per name, the outputs last', async () => {
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
    // The second image was still waiting when the third came: the third replaced it.
    expect(got.filter((g) => g.startsWith('preview'))).toEqual(['preview o preview:0.33', 'preview o preview:1.00', 'preview o image:1.00']);
    expect(got.filter((g) => g.startsWith('values'))).toEqual(['values o preview@1', 'values o loss@1', 'values o preview@2', 'values o loss@2', 'values o preview@3', 'values o loss@3', 'values o image']);
  });
});

describe('a value stream under load', () => {
  it('keeps at most one waiting preview per name: a node showing an image every step does not pile up', async () => {
    const Busy = defineNode({
      type: 'opt/Busy',
      version: 1,
      title: 'Busy',
      category: 'T',
      inputs: {},
      outputs: { image: { type: 'Image' } },
      params: z.object({}),
      purity: 'pure',
      run: async ({ ctx }) => {
        for (let i = 1; i <= 50; i++) {
          ctx.show('preview', tensor('float32', [1, 1, 1, 1], new Float32Array([i])), i);
          if (i % 10 === 0) await new Promise((r) => setTimeout(r, 5));
        }
        return { image: tensor('float32', [1, 1, 1, 1], new Float32Array([99])) };
      },
    });
    const reg = new Registry([definePlugin({ name: 'busy', version: '1.0.0', apiVersion: PLUGIN_API_VERSION, nodes: [Busy] })]);
    const g = checkGraph({ format: 'stylegraph.graph', formatVersion: 1, plugins: { busy: '^1.0.0' }, nodes: { b: { type: 'opt/Busy', version: 1 } }, edges: [] }, reg).graph!;
    const made: number[] = [];
    const delivered: number[] = [];
    let steps = 0;
    const stream = valueStream<number>(
      { event: () => {}, values: () => steps++, previews: (_n, p) => delivered.push(...p) },
      async (values) => {
        const v = (Object.values(values)[0] as { data: Float32Array }).data[0]!;
        made.push(v);
        await new Promise((r) => setTimeout(r, 20));
        return [v];
      },
    );
    await execute(g, { files: memoryFiles().access, onEvent: stream.onEvent, onOutputs: stream.onOutputs });
    await stream.settled();
    // Every value was summarized; few previews were made, in order, the output last.
    expect(steps).toBe(51);
    expect(made.length).toBeLessThanOrEqual(8);
    expect(made[0]).toBe(1);
    expect(delivered).toEqual(made);
    expect([...delivered].sort((a, b) => a - b)).toEqual(delivered);
    expect(delivered.at(-1)).toBe(99);
    expect(delivered.at(-2)).toBe(50);
  });
});
