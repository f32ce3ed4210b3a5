import { describe, expect, it } from 'vitest';
import { serializeGraph, type GraphDocument } from '@stylegraph/core';
import type { NodeTypeInfo } from '../api';
import { addNode, connect, copyNodes, emptyGraph, moveNodes, pasteNodes, removeEdges, removeNodes, setParam } from './model';
import { record, redo, startHistory, undo } from './history';
import { positions, relativePath } from './layout';

const info = (type: string): NodeTypeInfo =>
  ({ type, version: 1, title: type, category: 'C', plugin: { name: '@x/plugin', version: '1.2.0' }, purity: 'pure', inputs: {}, outputs: {}, params: {} }) as NodeTypeInfo;

const doc = (): GraphDocument => ({
  format: 'stylegraph.graph',
  formatVersion: 1,
  nodes: { a: { type: 'x/A', version: 1 }, b: { type: 'x/B', version: 1 }, c: { type: 'x/B', version: 1 } },
  edges: [
    { from: 'a.out', to: 'b.in' },
    { from: 'b.out', to: 'c.in' },
  ],
});

describe('graph edits', () => {
  it('adds nodes under fresh ids and records their plugin', () => {
    const one = addNode(emptyGraph(), info('x/SeedLatents'), { x: 10.4, y: 20.6 });
    expect(one.id).toBe('seedLatents');
    expect(one.doc.nodes.seedLatents).toEqual({ type: 'x/SeedLatents', version: 1, ui: { x: 10, y: 21 } });
    expect(one.doc.plugins).toEqual({ '@x/plugin': '^1.2.0' });
    expect(addNode(one.doc, info('x/SeedLatents'), { x: 0, y: 0 }).id).toBe('seedLatents2');
  });

  it('removes nodes with their edges, and edges by id', () => {
    expect(removeNodes(doc(), new Set(['b'])).edges).toEqual([]);
    expect(removeEdges(doc(), new Set(['a.out->b.in'])).edges).toEqual([{ from: 'b.out', to: 'c.in' }]);
  });

  it('connecting into a used input replaces its edge', () => {
    expect(connect(doc(), 'a.out', 'c.in').edges).toEqual([
      { from: 'a.out', to: 'b.in' },
      { from: 'a.out', to: 'c.in' },
    ]);
  });

  it('sets and clears params, and the result serializes canonically', () => {
    const d = setParam(setParam(doc(), 'a', 'z', 1), 'a', 'k', 'v');
    expect(d.nodes.a!.params).toEqual({ z: 1, k: 'v' });
    expect(serializeGraph(d)).toContain('"params": {\n        "k": "v",\n        "z": 1\n      }');
    expect(setParam(setParam(d, 'a', 'z', undefined), 'a', 'k', undefined).nodes.a).toEqual({ type: 'x/A', version: 1 });
  });

  it('moves nodes, keeping the document when nothing changed', () => {
    const d = moveNodes(doc(), new Map([['a', { x: 1.2, y: 2 }]]));
    expect(d.nodes.a!.ui).toEqual({ x: 1, y: 2 });
    expect(moveNodes(d, new Map([['a', { x: 1, y: 2 }]]))).toBe(d);
  });

  it('copies nodes with the edges among them and pastes them under new ids', () => {
    const clip = copyNodes(doc(), new Set(['b', 'c']));
    expect(clip.edges).toEqual([{ from: 'b.out', to: 'c.in' }]);
    const r = pasteNodes(doc(), clip, { x: 40, y: 40 });
    expect(r.ids).toEqual(['b2', 'c2']);
    expect(r.doc.edges.at(-1)).toEqual({ from: 'b2.out', to: 'c2.in' });
    expect(r.doc.nodes.b2!.ui).toEqual({ x: 40, y: 40 });
  });
});

describe('history', () => {
  it('undoes and redoes whole documents', () => {
    const a = doc();
    const b = setParam(a, 'a', 'p', 1);
    let h = record(startHistory(a), b);
    h = undo(h);
    expect(h.present).toBe(a);
    h = redo(h);
    expect(h.present).toBe(b);
    expect(undo(startHistory(a)).present).toBe(a);
  });
});

describe('layout', () => {
  it('places nodes without positions in columns by depth', () => {
    const p = positions(doc());
    expect([p.get('a')!.x, p.get('b')!.x, p.get('c')!.x]).toEqual([0, 300, 600]);
  });

  it('makes workspace paths relative to a graph folder', () => {
    expect(relativePath('examples', 'models/faces64')).toBe('../models/faces64');
    expect(relativePath('.', 'models/faces64')).toBe('models/faces64');
    expect(relativePath('a/b', 'a/c')).toBe('../c');
  });
});
