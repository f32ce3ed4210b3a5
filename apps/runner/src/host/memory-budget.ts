/**
 * The memory budget hosts give the executor: `--max-memory` as people write sizes, and the
 * default — a fraction of the memory available now — shared by the CLI and the server.
 */
import { freemem } from 'node:os';

/**
 * Measured peak RSS / planned outputs (the executor's plan: every output kept until the run
 * ends), with /usr/bin/time -v, Node 20, onnxruntime cpu, 2 cores:
 *   examples/generate.graph.json, seeds 0-1999   (faces64, 64 px)  planned 256 MiB, peak RSS 1.12 GiB → 4.5
 *   examples/generate.graph.json, seeds 0-7999                      planned 1.00 GiB, peak RSS 2.85 GiB → 2.9
 *   examples/faces-dataset.graph.json, 0-1999 @ 256 px (RenderFaces) planned 3.01 GiB, peak RSS 3.59 GiB → 1.2
 * Besides the outputs a run holds a fixed ~0.45 GiB (Node, onnxruntime, the model) and, per
 * node, its working copies (PNG encoding, network batches). Over the larger runs the ratio
 * tends to 1.2–2.9, so a budget of available / 3 refuses runs whose real peak would exceed
 * the memory available.
 */
export const DEFAULT_BUDGET_FRACTION = 1 / 3;

/** Bytes a run may plan for by default: a fraction of the memory available (cgroup limits included). */
export function defaultMemoryBudget(): number {
  const available = Math.min(freemem(), process.availableMemory?.() ?? Infinity);
  return Math.floor(available * DEFAULT_BUDGET_FRACTION);
}

const UNITS: Record<string, number> = { '': 1, k: 2 ** 10, m: 2 ** 20, g: 2 ** 30, t: 2 ** 40 };

/**
 * `4G`, `512M`, `1.5GiB`, `2048k`, `1073741824` → bytes (units are 1024-based; `B`, `iB`
 * suffixes optional); `none` → unbounded. Throws a RangeError naming the value otherwise.
 */
export function parseByteSize(text: string): number {
  const s = text.trim().toLowerCase();
  if (s === 'none') return Infinity;
  const m = /^(\d+(?:\.\d+)?)\s*([kmgt]?)(?:i?b)?$/.exec(s);
  const bytes = m ? Number(m[1]) * UNITS[m[2]!]! : NaN;
  if (!(bytes >= 1) || !Number.isFinite(bytes)) {
    throw new RangeError(`"${text}" is not a memory size (use bytes or e.g. 512M, 4G, 1.5GiB; or none)`);
  }
  return Math.floor(bytes);
}
