/** Layer selections written as "0-3,7" or named presets, shared by style mixing and noise. */
import { NodeError } from '@stylegraph/core';

export interface LayerSpecText {
  /** A range shown in the "not a layer range" message, e.g. "0-6". */
  readonly example: string;
  /** The out-of-range message for a range that ends beyond the last index. */
  readonly beyond: (part: string) => string;
  /** When set, a preset that selects nothing is an error with this message. */
  readonly emptyPreset?: (part: string) => string;
}

/** Sorted indices in 0…count−1 chosen by ranges and presets (predicates over the index). */
export function parseLayerSpec(spec: string, count: number, presets: Readonly<Record<string, (i: number) => boolean>>, text: LayerSpecText): number[] {
  const out = new Set<number>();
  for (const part of spec.split(',').map((s) => s.trim()).filter(Boolean)) {
    const preset = presets[part];
    if (preset) {
      const chosen = Array.from({ length: count }, (_, i) => i).filter(preset);
      if (chosen.length === 0 && text.emptyPreset) throw new NodeError('LAYERS_OUT_OF_RANGE', text.emptyPreset(part));
      chosen.forEach((i) => out.add(i));
      continue;
    }
    const m = /^(\d+)(?:-(\d+))?$/.exec(part);
    const [a, b] = m ? [Number(m[1]), Number(m[2] ?? m[1])] : [NaN, NaN];
    if (!m || b < a) throw new NodeError('LAYERS_INVALID', `"${part}" is not a layer range (use e.g. "${text.example}", "coarse", "middle", "fine")`);
    if (b >= count) throw new NodeError('LAYERS_OUT_OF_RANGE', text.beyond(part));
    for (let i = a; i <= b; i++) out.add(i);
  }
  return [...out].sort((x, y) => x - y);
}
