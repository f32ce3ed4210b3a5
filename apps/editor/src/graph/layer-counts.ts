/**
 * How many W+ layers (ws) and noise layers the graph's generator has, for the layer pickers:
 * read from the config.json of its model folder when the graph loads exactly one.
 */
import { useEffect, useState } from 'react';
import type { GraphDocument } from '@stylegraph/core';
import { api } from '../api';
import { fromBase64 } from '../browser/base64';
import { joinPath } from '../browser/remote-files';

export interface LayerCounts {
  /** W+ layers (numWs). */
  readonly ws: number;
  /** Noise inputs: b4.conv1, then conv0 and conv1 of each block. */
  readonly noise: number;
  readonly resolution: number;
}

/** Layer indices of coarse (4–8 px), middle (16–32 px) and fine (64 px and up) layers. */
export function presetLayers(preset: string, kind: 'ws' | 'noise', counts: LayerCounts): number[] {
  const n = kind === 'ws' ? counts.ws : counts.noise;
  // Layer i of kind ws serves resolution 2^(2 + ⌊i/2⌋) (ws 0–1 at 4 px …); noise layer i at 2^(2 + ⌈i/2⌉).
  const res = (i: number) => 2 ** (2 + (kind === 'ws' ? Math.floor(i / 2) : Math.ceil(i / 2)));
  const [lo, hi] = preset === 'coarse' ? [4, 8] : preset === 'middle' ? [16, 32] : preset === 'fine' ? [64, Infinity] : [0, -1];
  return Array.from({ length: n }, (_, i) => i).filter((i) => res(i) >= lo && res(i) <= hi);
}

export function useLayerCounts(doc: GraphDocument, base: string): LayerCounts | undefined {
  const paths = [...new Set(Object.values(doc.nodes).filter((n) => n.type === 'stylegan/LoadGenerator').map((n) => n.params?.path))];
  const only = paths.length === 1 && typeof paths[0] === 'string' ? joinPath(base, `${paths[0]}/config.json`) : undefined;
  const [counts, setCounts] = useState<LayerCounts | undefined>();
  useEffect(() => {
    let stale = false;
    if (!only) {
      setCounts(undefined);
      return;
    }
    api.runFiles.read
      .query({ path: only })
      .then((r) => {
        const g = (JSON.parse(new TextDecoder().decode(fromBase64(r.base64))) as { generator?: { numWs?: number; resolution?: number } }).generator;
        if (stale || !g?.numWs || !g.resolution) return;
        setCounts({ ws: g.numWs, noise: 2 * Math.log2(g.resolution) - 3, resolution: g.resolution });
      })
      .catch(() => !stale && setCounts(undefined));
    return () => {
      stale = true;
    };
  }, [only]);
  return counts;
}
