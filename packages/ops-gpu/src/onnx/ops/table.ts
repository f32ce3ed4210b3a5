/**
 * The closed vocabulary of primitives: one definition per op, in one table. The builder, the
 * serializer and the gradient table all key on these names; composites (StyleGAN layers,
 * losses) only ever combine them.
 */
import type { OpDef } from './def.js';
import { ELEMENTWISE } from './elementwise.js';
import { INDEXING } from './indexing.js';
import { LAYOUT } from './layout.js';
import { LINEAR } from './linear.js';
import { REDUCE } from './reduce.js';

export const OPS = { ...ELEMENTWISE, ...LINEAR, ...LAYOUT, ...INDEXING, ...REDUCE } as const;

/** Name of a primitive. */
export type OpName = keyof typeof OPS;
/** Typed attributes of a primitive. */
export type AttrsOf<K extends OpName> = (typeof OPS)[K] extends OpDef<infer A> ? A : never;

export const OP_NAMES = Object.keys(OPS) as OpName[];

export const opDef = <K extends OpName>(k: K): OpDef<AttrsOf<K>> => OPS[k] as unknown as OpDef<AttrsOf<K>>;
