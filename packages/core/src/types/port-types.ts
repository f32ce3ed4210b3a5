/**
 * Port types: the semantic types values carry between nodes, each with named dimensions.
 * Tensor kinds name their axes (`WPlus [B, numWs, wDim]`); a Generator carries the sizes it
 * binds (zDim, cDim, wDim, numWs, C, res). Node definitions refer to dimensions by variable
 * names; by default a port uses the kind's own names, so a Mapping node's `zDim` on its
 * Generator input and on its Z input are the same variable without saying so.
 */
import type { Tensor } from '../values/tensor.js';

export interface PortKindInfo {
  /** Dimension names in order (axes for tensors, bound sizes for generators). */
  readonly dims: readonly string[] | null;
  /** Dimensions introduced by a node's output of this kind are fixed by that node's identity. */
  readonly rigidOutputs: boolean;
  readonly description: string;
}

export const PORT_KINDS = {
  Z: { dims: ['B', 'zDim'], rigidOutputs: false, description: 'latent codes z, float32 [B, zDim]' },
  C: { dims: ['B', 'cDim'], rigidOutputs: false, description: 'class labels (one-hot), float32 [B, cDim]' },
  WPlus: { dims: ['B', 'numWs', 'wDim'], rigidOutputs: false, description: 'per-layer styles W+, float32 [B, numWs, wDim]' },
  Image: { dims: ['B', 'C', 'H', 'W'], rigidOutputs: false, description: 'images, float32 [B, C, H, W] in −1…1' },
  Noise: { dims: ['B', 'res'], rigidOutputs: false, description: 'per-layer noise inputs for a generator of resolution res' },
  Generator: {
    dims: ['zDim', 'cDim', 'wDim', 'numWs', 'C', 'res'],
    rigidOutputs: true,
    description: 'a loaded generator and the sizes it binds',
  },
  Bits: { dims: ['B', 'nBits'], rigidOutputs: false, description: 'bit strings, uint8 [B, nBits] of 0/1' },
  Report: { dims: [], rigidOutputs: false, description: 'named scalar results' },
  Tensor: { dims: null, rigidOutputs: false, description: 'a tensor of any shape' },
  SeedList: { dims: ['B'], rigidOutputs: false, description: 'a list of integer seeds 0…2³²−1' },
  number: { dims: [], rigidOutputs: false, description: 'a number' },
  integer: { dims: [], rigidOutputs: false, description: 'an integer' },
  string: { dims: [], rigidOutputs: false, description: 'a string' },
  boolean: { dims: [], rigidOutputs: false, description: 'true or false' },
} as const satisfies Record<string, PortKindInfo>;

export type PortKind = keyof typeof PORT_KINDS;
export const isPortKind = (k: string): k is PortKind => Object.hasOwn(PORT_KINDS, k);

/** A dimension in a node definition: a fixed size or a variable name local to the node. */
export type DimSpec = number | string;

export interface PortSpec {
  readonly type: PortKind;
  /** Dimension variables or sizes, aligned with the kind's dims; defaults to the kind's names. */
  readonly shape?: readonly DimSpec[];
  /**
   * For a kind without dims (`Tensor`) whose rank the params choose: its element count, a
   * variable or a size, so memory planning can size it. Not part of the port's type.
   */
  readonly elements?: DimSpec;
  readonly optional?: boolean;
  readonly description?: string;
}

/** A generator handle as nodes see it; compute packages extend it with their own fields. */
export interface GeneratorValue {
  readonly kind: 'generator';
  /** Identity of the weights (content hash), so caches and shape checks can tell models apart. */
  readonly id: string;
  readonly dims: { zDim: number; cDim: number; wDim: number; numWs: number; C: number; res: number };
}

export type Report = Readonly<Record<string, number | string | boolean>>;

/** The TypeScript type of a value on a port of each kind. */
export interface PortValueOf {
  Z: Tensor<'float32'>;
  C: Tensor<'float32'>;
  WPlus: Tensor<'float32'>;
  Image: Tensor<'float32'>;
  Noise: object;
  Generator: GeneratorValue;
  Bits: Tensor<'uint8'>;
  Report: Report;
  Tensor: Tensor;
  SeedList: readonly number[];
  number: number;
  integer: number;
  string: string;
  boolean: boolean;
}

/** Whether a value of kind `from` may flow into an input of kind `to`. */
export function kindAccepts(to: PortKind, from: PortKind): boolean {
  if (to === from) return true;
  if (to === 'number' && from === 'integer') return true;
  // Every tensor kind is a tensor.
  if (to === 'Tensor') return ['Z', 'C', 'WPlus', 'Image', 'Bits'].includes(from);
  return false;
}

/** The declared dims of a port, resolved to its kind's names when not given. */
export function portDims(spec: PortSpec): readonly DimSpec[] | null {
  const kind = PORT_KINDS[spec.type];
  if (spec.shape) return spec.shape;
  return kind.dims;
}

export const formatPortType = (spec: PortSpec): string => {
  const dims = portDims(spec);
  return dims && dims.length ? `${spec.type} [${dims.join(', ')}]` : spec.type;
};
