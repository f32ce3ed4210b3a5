/**
 * The memory budget hosts give the executor: `--max-memory` as people write sizes, and the
 * default — a fraction of the memory available now — shared by the CLI and the server.
 */
import { freemem } from 'node:os';

/**
 * The default budget is this fraction of the memory available. Measured peak RSS (/usr/bin/time -v;
 * Node 20, onnxruntime cpu, 2 cores) against the planned total of the executor's plan (every
 * output kept until the run ends):
 *   generate.graph.json    seeds 0-1999    (faces64, 64 px)   planned  214 MiB, peak  528 MiB → 2.47
 *   generate.graph.json    seeds 0-7999                       planned  854 MiB, peak 1.55 GiB → 1.86
 *   faces-dataset.graph.json  0-1999 @ 256 px (RenderFaces)   planned 2.95 GiB, peak 6.03 GiB → 2.04
 *   faces-dataset.graph.json  0-3999 @ 128 px                 planned 1.49 GiB, peak 3.14 GiB → 2.11
 * (0-15 seeds: 170 MiB peak, the fixed cost of Node, onnxruntime and the model.) Beyond the plan,
 * nodes hold working copies while they run (npy and PNG encoding, network batches), so peak ≈
 * 2–2.5 × planned; 1 / 2.5 keeps a run the default allows within the memory available.
 */
export const DEFAULT_BUDGET_FRACTION = 0.4;

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
