/**
 * `expectClose`: element-wise comparison of numbers, arrays or tensors within
 * `atol + rtol · |expected|` (as `numpy.testing.assert_allclose`: NaN equals NaN, infinities
 * must match). A failure names how many elements differ and the worst one by its index.
 */
import { isTensor, shapeString, sizeOf, type Tensor } from '@stylegraph/core';
import { unravel } from './tensors.js';

export type Numeric = number | bigint | ArrayLike<number> | ArrayLike<bigint> | Tensor;

export interface Tolerance {
  /** Absolute tolerance (default 1e-6). */
  readonly atol?: number;
  /** Relative tolerance, times |expected| (default 1e-5). */
  readonly rtol?: number;
}

/** The error every failed check of this package throws. */
export class CheckFailed extends Error {
  override readonly name = 'AssertionError';
  constructor(
    message: string,
    readonly details: Readonly<Record<string, unknown>> = {},
  ) {
    super(message);
  }
}

const dimsOf = (v: Numeric): readonly number[] | undefined => (isTensor(v) ? v.dims : typeof v === 'object' ? [v.length] : undefined);
const valuesOf = (v: Numeric): ArrayLike<number | bigint> => (isTensor(v) ? v.data : typeof v === 'object' ? v : [v]);

/** The worst element of a comparison, or undefined when all are close. */
export interface Mismatch {
  readonly flat: number;
  readonly index: readonly number[];
  readonly actual: number;
  readonly expected: number;
  readonly diff: number;
  readonly tol: number;
  /** How many elements are not close. */
  readonly count: number;
  readonly total: number;
}

/** Compares without throwing: the worst mismatch (largest |diff| − tol), or undefined. */
export function compareClose(actual: Numeric, expected: Numeric, { atol = 1e-6, rtol = 1e-5 }: Tolerance = {}): Mismatch | undefined {
  const a = valuesOf(actual);
  const e = valuesOf(expected);
  const dims = isTensor(expected) ? expected.dims : isTensor(actual) ? actual.dims : (dimsOf(expected) ?? []);
  let worst: Omit<Mismatch, 'count' | 'total' | 'index'> | undefined;
  let worstExcess = -Infinity;
  let count = 0;
  for (let i = 0; i < e.length; i++) {
    const x = Number(a[i]);
    const y = Number(e[i]);
    if (Number.isNaN(x) && Number.isNaN(y)) continue;
    const diff = Math.abs(x - y);
    const tol = atol + rtol * Math.abs(y);
    // Equal values are close; an infinity only to itself, a NaN on one side never.
    const close = x === y || (Number.isFinite(x) && Number.isFinite(y) && diff <= tol);
    if (close) continue;
    count++;
    const excess = Number.isNaN(diff) ? Infinity : diff - tol;
    if (excess > worstExcess || worst === undefined) {
      worstExcess = excess;
      worst = { flat: i, actual: x, expected: y, diff, tol };
    }
  }
  return worst && { ...worst, index: unravel(worst.flat, dims), count, total: e.length };
}

/**
 * Throws `CheckFailed` unless every element of `actual` is within `atol + rtol · |expected|` of
 * `expected`. Two tensors must have the same dims and dtype; a tensor may also be compared with
 * plain numbers in row-major order (the same count), the worst element named by the tensor's index.
 */
export function expectClose(actual: Numeric, expected: Numeric, tol: Tolerance = {}): void {
  const { atol = 1e-6, rtol = 1e-5 } = tol;
  const da = dimsOf(actual) ?? [];
  const de = dimsOf(expected) ?? [];
  const both = isTensor(actual) && isTensor(expected);
  // Two tensors agree on their shapes; a tensor and plain numbers (in row-major order) on the count.
  const differs = both || (!isTensor(actual) && !isTensor(expected)) ? da.length !== de.length || da.some((d, i) => d !== de[i]) : sizeOf(da) !== sizeOf(de);
  if (differs) {
    throw new CheckFailed(`expectClose: shape ${shapeString(da)} of the actual value differs from the expected ${shapeString(de)}`, { actualDims: da, expectedDims: de });
  }
  if (both && actual.dtype !== expected.dtype) {
    throw new CheckFailed(`expectClose: actual dtype ${actual.dtype} differs from the expected ${expected.dtype}`);
  }
  const m = compareClose(actual, expected, { atol, rtol });
  if (!m) return;
  const at = m.index.length > 1 ? `[${m.index.join(', ')}] (flat ${m.flat})` : `[${m.flat}]`;
  throw new CheckFailed(
    `expectClose: ${m.count} of ${m.total} elements differ by more than atol ${atol} + rtol ${rtol} · |expected|; worst at ${at}: actual ${m.actual}, expected ${m.expected} (|diff| ${m.diff.toPrecision(3)} > ${m.tol.toPrecision(3)})`,
    { ...m },
  );
}
