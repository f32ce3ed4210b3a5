import { describe, expect, it } from 'vitest';
import { synthesisLayers, type GeneratorArch } from './arch.js';
import { hasLayout, isLayerLayout, layerLayout, layoutWithWs } from './layout.js';
import { SG3_DEFAULTS } from '../stylegan3/schedule.js';

const range = (a: number, b: number) => Array.from({ length: b - a + 1 }, (_, i) => a + i);
const group = (res: number, name: string) => layerLayout({ resolution: res }).groups.find((g) => g.name === name)!;

describe('layerLayout', () => {
  it('lays out a 64 px generator: 10 ws, 9 convs with noise, 5 ToRGBs', () => {
    const l = layerLayout({ resolution: 64 });
    expect(l.numWs).toBe(10);
    expect(l.convs).toEqual([
      { name: 'b4.conv1', res: 4, w: 0 },
      { name: 'b8.conv0', res: 8, w: 1 },
      { name: 'b8.conv1', res: 8, w: 2 },
      { name: 'b16.conv0', res: 16, w: 3 },
      { name: 'b16.conv1', res: 16, w: 4 },
      { name: 'b32.conv0', res: 32, w: 5 },
      { name: 'b32.conv1', res: 32, w: 6 },
      { name: 'b64.conv0', res: 64, w: 7 },
      { name: 'b64.conv1', res: 64, w: 8 },
    ]);
    expect(l.noise).toEqual(l.convs.map(({ name, res }) => ({ name, res })));
    expect(l.toRgb).toEqual([4, 8, 16, 32, 64].map((res, i) => ({ name: `b${res}.torgb`, res, w: 2 * i + 1 })));
    expect(l.spaces.ws).toEqual({ count: 10, unit: 'ws', labels: ['b4.conv1', 'b4.torgb + b8.conv0', 'b8.conv1', 'b8.torgb + b16.conv0', 'b16.conv1', 'b16.torgb + b32.conv0', 'b32.conv1', 'b32.torgb + b64.conv0', 'b64.conv1', 'b64.torgb'] });
    expect(l.spaces.noise).toEqual({ count: 9, unit: 'conv layers', labels: l.convs.map((c) => c.name) });
    expect(l.groups).toEqual([
      { name: 'coarse', px: { max: 8 }, indices: { ws: [0, 1, 2, 3], noise: [0, 1, 2] } },
      { name: 'middle', px: { min: 16, max: 32 }, indices: { ws: [4, 5, 6, 7], noise: [3, 4, 5, 6] } },
      { name: 'fine', px: { min: 64 }, indices: { ws: [8, 9], noise: [7, 8] } },
    ]);
  });

  it('lays out 256 px (14 ws) and 1024 px (18 ws) generators', () => {
    const l256 = layerLayout({ resolution: 256 });
    expect([l256.numWs, l256.convs.length, l256.noise.length, l256.toRgb.length]).toEqual([14, 13, 13, 7]);
    expect(l256.groups.map((g) => g.indices)).toEqual([
      { ws: range(0, 3), noise: range(0, 2) },
      { ws: range(4, 7), noise: range(3, 6) },
      { ws: range(8, 13), noise: range(7, 12) },
    ]);
    const l1024 = layerLayout({ resolution: 1024 });
    expect([l1024.numWs, l1024.convs.length, l1024.noise.length, l1024.toRgb.length]).toEqual([18, 17, 17, 9]);
    expect(l1024.convs.at(-1)).toEqual({ name: 'b1024.conv1', res: 1024, w: 16 });
    expect(l1024.toRgb.at(-1)).toEqual({ name: 'b1024.torgb', res: 1024, w: 17 });
    expect(l1024.groups.map((g) => g.indices)).toEqual([
      { ws: range(0, 3), noise: range(0, 2) },
      { ws: range(4, 7), noise: range(3, 6) },
      { ws: range(8, 17), noise: range(7, 16) },
    ]);
  });

  it('groups ws and noise layers by the resolution they serve, at every size', () => {
    for (let res = 4; res <= 4096; res *= 2) {
      const l = layerLayout({ resolution: res });
      expect(l.numWs).toBe(2 * Math.log2(res) - 2);
      expect(l.noise.length).toBe(2 * Math.log2(res) - 3);
      // w i styles 2^(2 + ⌊i/2⌋) px; noise layer i is at 2^(2 + ⌈i/2⌉) px.
      const wsRes = (i: number) => 2 ** (2 + Math.floor(i / 2));
      const noiseRes = (i: number) => 2 ** (2 + Math.ceil(i / 2));
      for (const [name, lo, hi] of [['coarse', 0, 8], ['middle', 16, 32], ['fine', 64, Infinity]] as const) {
        expect(group(res, name).indices.ws).toEqual(range(0, l.numWs - 1).filter((i) => wsRes(i) >= lo && wsRes(i) <= hi));
        expect(group(res, name).indices.noise).toEqual(range(0, l.noise.length - 1).filter((i) => noiseRes(i) >= lo && noiseRes(i) <= hi));
      }
      expect(JSON.parse(JSON.stringify(l))).toEqual(l);
    }
    expect(group(16, 'fine').indices).toEqual({ ws: [], noise: [] });
    expect(group(16, 'middle').indices).toEqual({ ws: [4, 5], noise: [3, 4] });
  });

  it('refuses resolutions no StyleGAN2 has, and finds the layout of a W+ size', () => {
    for (const r of [0, 2, 3, 24, 4.5, Infinity, NaN]) {
      expect(hasLayout(r)).toBe(false);
      expect(() => layerLayout({ resolution: r })).toThrow(/not a power of two/);
    }
    expect(layoutWithWs(10)?.resolution).toBe(64);
    expect(layoutWithWs(18)?.resolution).toBe(1024);
    expect(layoutWithWs(2)?.resolution).toBe(4);
    expect(layoutWithWs(3)).toBeUndefined();
    expect(layoutWithWs(0)).toBeUndefined();
  });

  it('gives the synthesis network its w indices', () => {
    const g: GeneratorArch = { zDim: 4, cDim: 0, wDim: 4, numWs: 6, resolution: 16, imgChannels: 3, mapping: { numLayers: 1, lrMultiplier: 1 }, channels: { 4: 32, 8: 16, 16: 8 }, convClamp: null };
    expect(synthesisLayers(g).map((l) => [l.name, l.wIndex, l.kind, l.inChannels, l.outChannels])).toEqual([
      ['b4.conv1', 0, 'const-conv', 32, 32],
      ['b4.torgb', 1, 'torgb', 32, 3],
      ['b8.conv0', 1, 'up-conv', 32, 16],
      ['b8.conv1', 2, 'conv', 16, 16],
      ['b8.torgb', 3, 'torgb', 16, 3],
      ['b16.conv0', 3, 'up-conv', 16, 8],
      ['b16.conv1', 4, 'conv', 8, 8],
      ['b16.torgb', 5, 'torgb', 8, 3],
    ]);
    expect(() => synthesisLayers({ ...g, numWs: 7 })).toThrow(/resolution 16 needs numWs = 6, the config says 7/);
  });
});

describe('isLayerLayout', () => {
  it('recognizes layout data, also after a JSON round trip', () => {
    expect(isLayerLayout(JSON.parse(JSON.stringify(layerLayout({ resolution: 32 }))))).toBe(true);
    for (const v of [null, 3, 'x', {}, { numWs: 4 }, { numWs: 4, spaces: {}, groups: {} }]) expect(isLayerLayout(v)).toBe(false);
  });
});

describe('layerLayout of StyleGAN3', () => {
  it('gives NVIDIA\'s 256 px StyleGAN3-T its own w per layer, grouped by each layer\'s band', () => {
    const l = layerLayout({ architecture: 'stylegan3-t', resolution: 256, imgChannels: 3, synthesis: SG3_DEFAULTS });
    // NVIDIA's layer names for its 256 px StyleGAN3-T (stylegan3-t-ffhqu-256x256).
    const names = ['L0_36_512', 'L1_36_512', 'L2_36_512', 'L3_52_512', 'L4_52_512', 'L5_84_512', 'L6_84_512', 'L7_148_512', 'L8_148_512', 'L9_148_362', 'L10_276_256', 'L11_276_181', 'L12_276_128', 'L13_256_128'];
    expect(l.numWs).toBe(16);
    expect(l.convs.map((c) => c.name)).toEqual(['input', ...names]);
    expect(l.convs.map((c) => c.w)).toEqual(range(0, 14));
    expect(l.toRgb).toEqual([{ name: 'L14_256_3', res: 256, w: 15 }]);
    expect(l.noise).toEqual([]);
    expect(l.spaces.noise.count).toBe(0);
    expect(l.spaces.ws.labels).toEqual(['input', ...names, 'L14_256_3']);
    // Cutoffs 2 · 64^(i/12), i.e. bands 2c = 4 · 2^(i/2) px, rounded up at the halves.
    expect(l.convs.map((c) => c.res)).toEqual([4, 4, 8, 8, 16, 16, 32, 32, 64, 64, 128, 128, 256, 256, 256]);
    // The same split as StyleGAN2's 256 px network.
    expect(l.groups.map((g) => g.indices)).toEqual([
      { ws: [0, 1, 2, 3], noise: [] },
      { ws: [4, 5, 6, 7], noise: [] },
      { ws: range(8, 15), noise: [] },
    ]);
    expect(isLayerLayout(l)).toBe(true);
  });

  it('names the 1024 px layers as the schedule derives them', () => {
    const l = layerLayout({ architecture: 'stylegan3-r', resolution: 1024, imgChannels: 3, synthesis: { ...SG3_DEFAULTS, convKernel: 1, channelBase: 65536, channelMax: 1024 } });
    expect(l.spaces.ws.labels.slice(0, 4)).toEqual(['input', 'L0_36_1024', 'L1_36_1024', 'L2_52_1024']);
    expect(l.spaces.ws.labels.slice(-3)).toEqual(['L12_1044_64', 'L13_1024_64', 'L14_1024_3']);
  });
});
