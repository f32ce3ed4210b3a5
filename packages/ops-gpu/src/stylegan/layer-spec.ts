/**
 * Layer selections as text: ranges like `"0-3,7"` and the group names of a layer layout
 * (`coarse`, `middle`, `fine`), resolved in one of its index spaces. Browser-safe; node code
 * and editors share it.
 */
import type { LayerLayout, LayerSpace, PxRange } from './layout.js';

export type LayerSpecErrorCode = 'LAYERS_INVALID' | 'LAYERS_OUT_OF_RANGE';

export class LayerSpecError extends Error {
  constructor(
    readonly code: LayerSpecErrorCode,
    message: string,
  ) {
    super(message);
    this.name = 'LayerSpecError';
  }
}

/** One index space as selections see it: how many indices, and the named groups in it. */
export interface LayerChoices {
  readonly count: number;
  /** What the indices count, in messages (`ws`). */
  readonly unit: string;
  /** What each index drives, when known. */
  readonly labels?: readonly string[];
  readonly groups: readonly { readonly name: string; readonly px: PxRange; readonly indices: readonly number[] }[];
}

/** The choices of `space` (`ws`, `noise`) in `layout`. */
export function layerChoices(layout: LayerLayout, space: string): LayerChoices {
  const key = space as LayerSpace;
  const info = Object.hasOwn(layout.spaces, key) ? layout.spaces[key] : undefined;
  if (!info) throw new LayerSpecError('LAYERS_INVALID', `this generator has no "${space}" layers (it has ${Object.keys(layout.spaces).join(', ')})`);
  return { count: info.count, unit: info.unit, labels: info.labels, groups: layout.groups.map((g) => ({ name: g.name, px: g.px, indices: g.indices[key] })) };
}

/** `64 px and up`, `16–32 px`, `up to 8 px`. */
export function pxRangeText(px: PxRange): string {
  if (px.min !== undefined && px.max !== undefined) return px.min === px.max ? `${px.min} px` : `${px.min}–${px.max} px`;
  if (px.min !== undefined) return `${px.min} px and up`;
  return px.max !== undefined ? `up to ${px.max} px` : 'every resolution';
}

export interface LayerSpecOptions {
  /** A group without indices selects nothing instead of failing. */
  readonly allowEmptyGroups?: boolean;
}

/** Sorted indices in 0…count−1 chosen by `spec`; throws LayerSpecError naming the bad part. */
export function parseLayerSpec(spec: string, choices: LayerChoices, opts: LayerSpecOptions = {}): number[] {
  const { count, unit } = choices;
  const out = new Set<number>();
  for (const part of spec.split(',').map((s) => s.trim()).filter(Boolean)) {
    const group = choices.groups.find((g) => g.name === part);
    if (group) {
      if (group.indices.length === 0 && !opts.allowEmptyGroups) {
        throw new LayerSpecError('LAYERS_OUT_OF_RANGE', `this generator’s ${count} ${unit} have no ${part} layers (${part} = ${pxRangeText(group.px)})`);
      }
      group.indices.forEach((i) => out.add(i));
      continue;
    }
    const m = /^(\d+)(?:-(\d+))?$/.exec(part);
    const [a, b] = m ? [Number(m[1]), Number(m[2] ?? m[1])] : [NaN, NaN];
    if (!m || b < a) throw new LayerSpecError('LAYERS_INVALID', `"${part}" is not a layer range (use e.g. ${['0-3', ...choices.groups.map((g) => g.name)].map((x) => `"${x}"`).join(', ')})`);
    if (b >= count) throw new LayerSpecError('LAYERS_OUT_OF_RANGE', `layers ${part} go beyond this generator’s ${count} ${unit} (0…${count - 1})`);
    for (let i = a; i <= b; i++) out.add(i);
  }
  return [...out].sort((x, y) => x - y);
}

/** Indices as the shortest range text: `{0,1,2,5}` → `"0-2,5"`. */
export function formatLayerSpec(indices: Iterable<number>): string {
  const xs = [...new Set(indices)].sort((a, b) => a - b);
  const parts: string[] = [];
  for (let i = 0; i < xs.length; ) {
    let j = i;
    while (j + 1 < xs.length && xs[j + 1] === xs[j]! + 1) j++;
    parts.push(i === j ? `${xs[i]}` : `${xs[i]}-${xs[j]}`);
    i = j + 1;
  }
  return parts.join(',');
}
