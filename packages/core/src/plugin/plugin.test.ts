import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { PLUGIN_API_VERSION, defineNode, definePlugin } from './define.js';
import { Registry } from './registry.js';
import { WPlus } from '../testing/fixture-kinds.js';

const node = (type: string, version = 1, extra = {}) =>
  defineNode({
    type,
    version,
    title: type,
    category: 'Test',
    inputs: { a: { type: WPlus, optional: true } },
    outputs: { b: { type: 'number' } },
    params: z.object({ psi: z.number().min(-1).max(1).default(0.7).describe('Truncation ψ.') }),
    purity: 'pure',
    run: () => ({ b: 1 }),
    ...extra,
  });

describe('plugin API', () => {
  it('rejects malformed definitions', () => {
    expect(() => node('NoNamespace')).toThrow(/namespace\/Name/);
    expect(() => node('x/Y', 0)).toThrow(/positive integer/);
    expect(() => node('x/Y', 3, { migrations: { 1: (p: Record<string, unknown>) => p } })).toThrow(/from version 2/);
    expect(() => definePlugin({ name: 'p', version: '1.0.0', apiVersion: 99, nodes: [] })).toThrow(/plugin API 99/);
    expect(() => definePlugin({ name: 'p', version: '1.0.0', apiVersion: PLUGIN_API_VERSION, nodes: [node('x/A'), node('x/A')] })).toThrow(/twice/);
  });

  it('registry refuses two plugins defining one type, and describes node types as data', () => {
    const p1 = definePlugin({ name: 'p1', version: '1.0.0', apiVersion: PLUGIN_API_VERSION, nodes: [node('x/A')] });
    const p2 = definePlugin({ name: 'p2', version: '1.0.0', apiVersion: PLUGIN_API_VERSION, nodes: [node('x/A')] });
    const r = new Registry([p1]);
    expect(() => r.register(p2)).toThrow(/namespace "x", which belongs to p1/);
    const info = r.describe('x/A')!;
    expect(info.plugin).toEqual({ name: 'p1', version: '1.0.0' });
    expect(info.inputs.a!.display).toBe('WPlus [B, numWs, wDim]');
    // Ports name their kind as data, never carry the record.
    expect(info.inputs.a!.type).toBe('test/WPlus');
    expect(JSON.parse(JSON.stringify(info)).inputs.a.type).toBe('test/WPlus');
    expect(info.params).toMatchObject({
      type: 'object',
      properties: { psi: { type: 'number', minimum: -1, maximum: 1, default: 0.7, description: 'Truncation ψ.' } },
    });
  });
});
