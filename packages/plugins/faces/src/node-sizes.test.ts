import { describe, expect, it } from 'vitest';
import { Registry, checkGraph, planMemory } from '@stylegraph/core';
import { LABELS, facesPlugin } from './index.js';

const registry = new Registry([facesPlugin]);
const faces = (seeds: string, size: number) =>
  checkGraph({ format: 'stylegraph.graph', formatVersion: 1, plugins: { '@stylegraph/plugin-faces': '^0.1.0' }, nodes: { f: { type: 'faces/RenderFaces', version: 1, params: { seeds, size } } }, edges: [] }, registry);

describe('faces/RenderFaces sizes', () => {
  it('states the size of its images and labels at check time', () => {
    const r = faces('0-99', 128);
    expect(r.diagnostics).toEqual([]);
    expect(planMemory(r.graph!).outputs.map((p) => [p.port, p.dims, p.bytes])).toEqual([
      ['image', [100, 3, 128, 128], 100 * 3 * 128 * 128 * 4],
      ['labels', [100, LABELS.length], 100 * LABELS.length * 4],
    ]);
  });

  it('refuses, at check time, more pixels than one tensor can hold', () => {
    const r = faces('0-99999', 256);
    expect(r.ok).toBe(false);
    expect(r.diagnostics).toEqual([expect.objectContaining({ code: 'TENSOR_TOO_LARGE', node: 'f', port: 'image' })]);
  });
});
