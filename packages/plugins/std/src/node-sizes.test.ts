import { describe, expect, it } from 'vitest';
import { Registry, checkGraph, planMemory } from '@stylegraph/core';
import { stdPlugin } from './index.js';

const registry = new Registry([stdPlugin]);

describe('std/RandomNormal size', () => {
  it('states its element count (any rank) at check time', () => {
    const r = checkGraph(
      { format: 'stylegraph.graph', formatVersion: 1, plugins: { '@stylegraph/plugin-std': '^0.1.0' }, nodes: { r: { type: 'std/RandomNormal', version: 1, params: { shape: [4, 8, 16] } } }, edges: [] },
      registry,
    );
    expect(r.diagnostics).toEqual([]);
    expect(planMemory(r.graph!).outputs).toEqual([expect.objectContaining({ node: 'r', port: 'tensor', elements: 512, bytes: 2048 })]);
  });
});
