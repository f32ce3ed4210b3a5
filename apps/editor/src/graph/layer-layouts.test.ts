import { describe, expect, it } from 'vitest';
import type { GraphDocument } from '@stylegraph/core';
import { layerLayout } from '@stylegraph/ops-gpu/layers';
import type { NodeTypeInfo } from '../api';
import { layoutFor, layoutSources, layoutsIn, picksLayers } from './layer-layouts';
import { upstreamGraph, upstreamOf } from './upstream';

const l64 = layerLayout({ resolution: 64 });
const l256 = layerLayout({ resolution: 256 });

const info = (type: string, inputs: string[], params: Record<string, unknown> = {}): NodeTypeInfo =>
  ({ type, version: 1, title: type, category: 'C', plugin: { name: '@x/p', version: '1.0.0' }, purity: 'pure', inputs: Object.fromEntries(inputs.map((i) => [i, { type: 'T', display: 'T' }])), outputs: {}, params: { type: 'object', properties: params }, fileParams: [] }) as unknown as NodeTypeInfo;

const types = new Map([
  ['x/Load', info('x/Load', [], { path: { type: 'string' } })],
  ['x/Seeds', info('x/Seeds', [])],
  ['x/Step', info('x/Step', ['a'])],
  ['x/Pick', info('x/Pick', ['a', 'b'], { layers: { type: 'string', widget: 'layers', layers: 'ws' } })],
]);

/** load → step → pick ← seeds; load2 → pick2; lone pick3. */
const doc = (): GraphDocument => ({
  format: 'stylegraph.graph',
  formatVersion: 1,
  nodes: {
    load: { type: 'x/Load', version: 1, params: { path: 'm' }, ui: { x: 1, y: 2 } },
    seeds: { type: 'x/Seeds', version: 1 },
    step: { type: 'x/Step', version: 1 },
    pick: { type: 'x/Pick', version: 1 },
    load2: { type: 'x/Load', version: 1, params: { path: 'n' } },
    pick2: { type: 'x/Pick', version: 1 },
    pick3: { type: 'x/Pick', version: 1 },
    other: { type: 'x/Load', version: 1 },
  },
  edges: [
    { from: 'load.out', to: 'step.a' },
    { from: 'step.out', to: 'pick.a' },
    { from: 'seeds.out', to: 'pick.b' },
    { from: 'load2.out', to: 'pick2.a' },
  ],
});

describe('layer layouts in the editor', () => {
  it('finds what a node depends on and sends only that part of the graph', () => {
    expect([...upstreamOf(doc(), ['pick'])].sort()).toEqual(['load', 'pick', 'seeds', 'step']);
    const sub = upstreamGraph(doc(), ['step']);
    expect(sub.nodes).toEqual({ load: { type: 'x/Load', version: 1, params: { path: 'm' } }, step: { type: 'x/Step', version: 1 } });
    expect(sub.edges).toEqual([{ from: 'load.out', to: 'step.a' }]);
  });

  it('asks about the sources upstream of layer params only', () => {
    expect(picksLayers(types.get('x/Pick'))).toBe(true);
    expect(picksLayers(types.get('x/Load'))).toBe(false);
    expect(layoutSources(doc(), types)).toEqual(['load', 'load2', 'seeds']);
  });

  it('reads layouts from value summaries, and gives each node the one upstream of it', () => {
    const layouts = layoutsIn({ load: { generator: { generator: 'abc', layout: JSON.parse(JSON.stringify(l64)) } }, load2: { generator: { generator: 'def', layout: l256 } }, seeds: { z: { tensor: { dtype: 'float32', dims: [2, 4] } } } });
    expect([...layouts.keys()]).toEqual(['load', 'load2']);
    expect(layoutFor(doc(), 'pick', layouts)?.numWs).toBe(10);
    expect(layoutFor(doc(), 'pick2', layouts)?.numWs).toBe(14);
    // Not connected to a generator, in a graph with two: none is chosen.
    expect(layoutFor(doc(), 'pick3', layouts)).toBeUndefined();
    // With only one in the graph, that one.
    expect(layoutFor(doc(), 'pick3', new Map([['load', l64]]))?.numWs).toBe(10);
    expect(layoutFor(doc(), 'pick3', new Map())).toBeUndefined();
  });
});
