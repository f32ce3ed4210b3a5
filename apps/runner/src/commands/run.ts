/**
 * `stylegraph run <graph>`: validate, then execute. Progress per node on a TTY, quiet
 * otherwise; `--json` prints a machine-readable run report, `--junit` writes JUnit XML.
 * Exit 0 on success, 1 when a node (or an assertion) failed, 2 when the graph is invalid.
 */
import { basename, dirname, resolve } from 'node:path';
import { execute, formatDiagnostic, type RunSummary, summarizeValue } from '@stylegraph/core';
import { NodeFiles } from '../host/node-files.js';
import { defaultMemoryBudget } from '../host/memory-budget.js';
import { DiskCache } from '../host/disk-cache.js';
import { junitXml } from '../report/junit.js';
import { progressPrinter } from '../report/progress.js';
import { loadAndCheck } from './load.js';

export interface RunOptions {
  readonly out?: string;
  readonly root?: string;
  readonly set?: readonly string[];
  readonly backend?: string;
  readonly json?: boolean;
  readonly junit?: string;
  readonly plugin?: readonly string[];
  /** Third-party plugins allowed to run inside this process (`--trust`). */
  readonly trust?: readonly string[];
  /** Refuse plugins that differ from the graph's lock. */
  readonly frozen?: boolean;
  readonly progress?: boolean;
  /** Memory budget in bytes (Infinity: none); default `defaultMemoryBudget()`. */
  readonly maxMemory?: number;
  /** Folder of the on-disk output cache shared across runs; none: every node runs. */
  readonly cache?: string;
  /** Size bound of the cache folder in bytes (Infinity: none); default 2 GiB. */
  readonly cacheMax?: number;
}

export interface Io {
  readonly out: (s: string) => void;
  readonly err: (s: string) => void;
  readonly signal?: AbortSignal;
}

/** The output folder name of a graph file: its name without `.graph.json` / `.json` / `.png`; never empty, `.` or `..`. */
export function graphName(path: string): string {
  const name = basename(path).replace(/(\.graph)?\.json$|\.png$/, '');
  return name === '' || name === '.' || name === '..' || name.includes('\0') ? 'untitled' : name;
}

export async function runCommand(path: string, opts: RunOptions, io: Io): Promise<number> {
  const { check } = await loadAndCheck(path, { sets: opts.set ?? [], plugins: opts.plugin ?? [], trust: opts.trust ?? [], frozen: opts.frozen === true, warn: (m) => io.err(`stylegraph: warning: ${m}`) });
  const outDir = resolve(opts.out ?? `out/${graphName(path)}`);
  // Paths in a graph are relative to its file (or --root); a graph re-run from a PNG, to --root or the current folder.
  const readRoot = resolve(opts.root ?? (/\.png$/i.test(path) ? '.' : dirname(path)));
  const files = new NodeFiles({ readRoot, outDir });
  const types = new Map(Object.entries(check.graph?.document.nodes ?? {}).map(([id, n]) => [id, n.type]));

  for (const d of check.diagnostics) if (d.severity !== 'info' || !check.ok) io.err(`${path}: ${formatDiagnostic(d)}`);
  let summary: RunSummary;
  if (!check.graph) {
    const counts = { ran: 0, cached: 0, failed: 0, skipped: 0, cancelled: 0 };
    summary = { status: 'invalid', diagnostics: check.diagnostics, nodes: {}, outputs: {}, ms: 0, counts };
  } else {
    // Loaded on demand, so `check` and `nodes` never start onnxruntime.
    const { nodeCompute } = await import('../host/compute.js');
    const compute = await nodeCompute(opts.backend ?? 'auto');
    const budget = opts.maxMemory ?? defaultMemoryBudget();
    const result = await execute(check.graph, {
      files,
      services: { compute, hostFolders: { graphDir: readRoot, out: outDir } },
      ...(opts.cache !== undefined && { cache: new DiskCache(resolve(opts.cache), { ...(opts.cacheMax !== undefined && { maxBytes: opts.cacheMax }), onWriteError: (m) => io.err(`${path}: warning: ${m}`) }) }),
      ...(Number.isFinite(budget) && { memoryBudget: budget, memoryBudgetHint: 'raise it with --max-memory' }),
      ...(io.signal && { signal: io.signal }),
      ...(opts.progress && { onEvent: progressPrinter(io.err, types) }),
    }).finally(() => compute.clear());
    summary = { ...result, diagnostics: check.diagnostics };
  }

  const exitCode = summary.status === 'ok' ? 0 : summary.status === 'invalid' ? 2 : 1;
  if (summary.status !== 'invalid' && !opts.progress) {
    for (const [id, r] of Object.entries(summary.nodes)) {
      if (r.status === 'failed') io.err(`${path}: node "${id}" (${types.get(id)}) failed: ${r.error!.code}: ${r.error!.message}`);
    }
  }
  if (summary.status === 'cancelled') io.err(`${path}: cancelled`);
  if (opts.junit) {
    await new NodeFiles({ readRoot: process.cwd(), outDir: dirname(resolve(opts.junit)) }).write(
      basename(opts.junit),
      new TextEncoder().encode(junitXml(graphName(path), summary, types)),
    );
  }
  if (opts.json) {
    const report = {
      graph: path,
      status: summary.status,
      exitCode,
      ms: Math.round(summary.ms),
      counts: summary.counts,
      nodes: summary.nodes,
      outputs: Object.fromEntries(Object.entries(summary.outputs).map(([k, v]) => [k, summarizeValue(v)])),
      written: files.written,
      diagnostics: summary.diagnostics,
    };
    io.out(JSON.stringify(report, null, 2));
  } else if (opts.progress) {
    const c = summary.counts;
    io.err(`${summary.status} in ${(summary.ms / 1000).toFixed(2)} s: ${c.ran} ran, ${c.cached} cached, ${c.failed} failed, ${c.skipped} skipped`);
    for (const w of files.written) io.err(`wrote ${w}`);
  }
  return exitCode;
}
