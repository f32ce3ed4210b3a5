/**
 * Gradient checking: compares the gradients a gradient model computes with central finite
 * differences of the forward model, element by element, on any backend. Used by the gradient
 * table's tests and available to anyone composing new layers.
 */
import { tensor, type Tensor } from '@stylegraph/core';
import type { Backend } from '../backend/types.js';
import type { GraphBuilder } from '../onnx/builder.js';
import type { Value } from '../onnx/graph.js';
import { buildGradient, gradName } from './build.js';

export interface GradCheckOptions {
  /** Finite-difference step; default 1e-2. */
  readonly eps?: number;
  /** Check at most this many elements per input (spread evenly); default all. */
  readonly maxElements?: number;
  /**
   * Kinks of piecewise-smooth graphs: for each named tap, the values where its derivative
   * jumps (0 for ReLU, ±c for a clamp). An element is skipped when x ± eps moves any tapped
   * value across one of them, since finite differences are meaningless there.
   */
  readonly kinks?: Readonly<Record<string, readonly number[]>>;
}

export interface GradCheckResult {
  readonly input: string;
  /** Largest |analytic − numeric| over the checked elements. */
  readonly maxAbsError: number;
  /** Largest |numeric| over the checked elements (the error's scale). */
  readonly scale: number;
  /** maxAbsError / max(scale, 1e-6). */
  readonly relError: number;
  readonly checked: number;
  /** Elements skipped because a finite-difference step crossed a kink. */
  readonly skipped: number;
}

type Floats = Float32Array | Float64Array;

/** Runs `loss`'s gradient model and finite differences of its forward model on `backend`. */
export async function checkGradients(
  graph: GraphBuilder,
  loss: Value,
  wrt: readonly string[],
  feeds: Readonly<Record<string, Tensor>>,
  backend: Backend,
  opts: GradCheckOptions = {},
): Promise<GradCheckResult[]> {
  const eps = opts.eps ?? 1e-2;
  const kinks = Object.entries(opts.kinks ?? {});
  const fwd = graph.clone();
  fwd.clearOutputs();
  fwd.output('loss', fwd.value(loss.id));
  const fSession = await backend.createSession(fwd.toModel({ outputs: ['loss', ...kinks.map(([t]) => t)] }));
  const gSession = await backend.createSession(buildGradient(graph, loss, wrt).toModel());
  try {
    const analytic = await gSession.run(feeds);
    // The loss, and for every tapped value the index of the kink interval it lies in.
    const f = async (fs: Record<string, Tensor>) => {
      const out = await fSession.run(fs);
      const regions = kinks.map(([t, at]) => Array.from(out[t]?.data as Floats, (z) => at.filter((k) => z > k).length).join());
      return { loss: Number(out['loss']?.data[0]), regions: regions.join('|') };
    };
    const results: GradCheckResult[] = [];
    for (const name of wrt) {
      const base = feeds[name];
      const grad = analytic[gradName(name)];
      if (!base || !grad) throw new Error(`checkGradients: no feed or gradient for "${name}"`);
      const data = base.data as Floats;
      const n = data.length;
      const count = Math.min(n, opts.maxElements ?? n);
      let maxAbsError = 0;
      let scale = 0;
      let skipped = 0;
      for (let c = 0; c < count; c++) {
        const j = Math.floor((c * n) / count);
        const plus = data.slice() as Floats;
        const minus = data.slice() as Floats;
        plus[j] = (data[j] as number) + eps;
        minus[j] = (data[j] as number) - eps;
        const at = (d: Floats) => f({ ...feeds, [name]: tensor(base.dtype, base.dims, d) });
        const [p, m] = [await at(plus), await at(minus)];
        if (p.regions !== m.regions) {
          skipped++;
          continue;
        }
        // Divide by the step actually stored (float32 rounds x ± eps).
        const numeric = (p.loss - m.loss) / ((plus[j] as number) - (minus[j] as number));
        maxAbsError = Math.max(maxAbsError, Math.abs(numeric - Number(grad.data[j])));
        scale = Math.max(scale, Math.abs(numeric));
      }
      results.push({ input: name, maxAbsError, scale, relError: maxAbsError / Math.max(scale, 1e-6), checked: count - skipped, skipped });
    }
    return results;
  } finally {
    await fSession.release();
    await gSession.release();
  }
}
