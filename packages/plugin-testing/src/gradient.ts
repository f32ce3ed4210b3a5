/**
 * `checkGradient`: compares an analytic gradient with central finite differences of a scalar
 * function, element by element: ∂f/∂xᵢ ≈ (f(x + h·eᵢ) − f(x − h·eᵢ)) / (x⁺ᵢ − x⁻ᵢ), where the
 * denominator is the step as actually stored (float32 rounds x ± eps).
 */
import { tensor, type Tensor } from '@stylegraph/core';
import { CheckFailed, compareClose } from './expect-close.js';

type FloatDType = 'float32' | 'float64';

export interface GradientCheckOptions {
  /** Step (default 1e-3 for float32, 1e-6 for float64). */
  readonly eps?: number;
  /** Absolute tolerance (default 1e-3 for float32, 1e-6 for float64). */
  readonly atol?: number;
  /** Relative tolerance (default 1e-2 for float32, 1e-5 for float64). */
  readonly rtol?: number;
}

export interface GradientCheck {
  /** The finite-difference gradient, same dtype and dims as x. */
  readonly numeric: Tensor<FloatDType>;
  /** The largest |analytic − numeric|. */
  readonly maxError: number;
}

/**
 * Throws `CheckFailed` naming the worst element unless `analytic` (a tensor like `x`, or a
 * function of x giving one) agrees with the central finite differences of `f` at `x`.
 */
export async function checkGradient<D extends FloatDType>(
  f: (x: Tensor<D>) => number | Promise<number>,
  x: Tensor<D>,
  analytic: Tensor<FloatDType> | ((x: Tensor<D>) => Tensor<FloatDType> | Promise<Tensor<FloatDType>>),
  opts: GradientCheckOptions = {},
): Promise<GradientCheck> {
  if (x.dtype !== 'float32' && x.dtype !== 'float64') throw new TypeError(`checkGradient: x must be float32 or float64, not ${String((x as Tensor).dtype)}`);
  const f32 = x.dtype === 'float32';
  const { eps = f32 ? 1e-3 : 1e-6, atol = f32 ? 1e-3 : 1e-6, rtol = f32 ? 1e-2 : 1e-5 } = opts;
  const grad = typeof analytic === 'function' ? await analytic(x) : analytic;
  if (grad.data.length !== x.data.length || grad.dims.join() !== x.dims.join()) {
    throw new CheckFailed(`checkGradient: the analytic gradient has shape [${grad.dims.join(', ')}], x has [${x.dims.join(', ')}]`);
  }
  const numeric = tensor(x.dtype, x.dims) as Tensor<FloatDType>;
  const probe = tensor(x.dtype, x.dims, x.data.slice() as Tensor<D>['data']);
  let maxError = 0;
  for (let i = 0; i < x.data.length; i++) {
    const x0 = x.data[i]!;
    probe.data[i] = x0 + eps;
    const plus = probe.data[i]!;
    const fp = await f(probe);
    probe.data[i] = x0 - eps;
    const minus = probe.data[i]!;
    const fm = await f(probe);
    probe.data[i] = x0;
    numeric.data[i] = (fp - fm) / (plus - minus);
    maxError = Math.max(maxError, Math.abs(numeric.data[i]! - grad.data[i]!));
  }
  const m = compareClose(grad, numeric, { atol, rtol });
  if (m) {
    throw new CheckFailed(
      `checkGradient: ${m.count} of ${m.total} partial derivatives differ from central differences (eps ${eps}) by more than atol ${atol} + rtol ${rtol} · |numeric|; worst at [${m.index.join(', ')}] (flat ${m.flat}): analytic ${m.actual}, numeric ${m.expected}`,
      { ...m },
    );
  }
  return { numeric, maxError };
}
