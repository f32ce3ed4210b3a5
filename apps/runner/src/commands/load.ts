/** Shared by `check` and `run`: read a graph file, apply overrides, load plugins, validate. */
import { dirname, resolve } from 'node:path';
import { GraphDocumentSchema, checkGraph, parseJson, type CheckResult, type Registry } from '@stylegraph/core';
import { UsageError, applySets, readGraphFile } from '../graph-file.js';
import { loadRegistry } from '../host/plugins.js';
import { checkLock, frozenBeforeLoad } from '../host/plugin-lock.js';

export interface LoadedGraph {
  readonly path: string;
  readonly registry: Registry;
  readonly check: CheckResult;
}

export async function loadAndCheck(path: string, opts: { sets?: readonly string[]; plugins?: readonly string[]; trust?: readonly string[]; warn?: (m: string) => void; frozen?: boolean }): Promise<LoadedGraph> {
  const text = await readGraphFile(path);
  const parsed = parseJson(text).value as { plugins?: unknown } | undefined;
  const plugins = parsed?.plugins;
  const required = plugins && typeof plugins === 'object' ? Object.keys(plugins) : [];
  if (opts.frozen) {
    // Refused before any plugin's code runs: a package that drifted from the lock is not loaded at all.
    const lockDoc = GraphDocumentSchema.safeParse(parsed);
    const refused = lockDoc.success ? await frozenBeforeLoad(lockDoc.data, dirname(resolve(path))) : [];
    if (refused.length) {
      const registry = await loadRegistry({ extra: opts.plugins ?? [], fromDir: dirname(resolve(path)), extraFromDir: process.cwd(), trust: new Set(opts.trust ?? []), ...(opts.warn && { warn: opts.warn }) });
      return { path, registry, check: { ok: false, diagnostics: refused } };
    }
  }
  const registry = await loadRegistry({ required, extra: opts.plugins ?? [], fromDir: dirname(resolve(path)), extraFromDir: process.cwd(), trust: new Set(opts.trust ?? []), ...(opts.warn && { warn: opts.warn }) });
  const { doc, errors, diagnostics } = applySets(text, opts.sets ?? [], registry);
  if (errors.length) throw new UsageError(errors.join('\n'));
  let check: CheckResult = doc === undefined ? { ok: false, diagnostics } : checkGraph(doc, registry);
  if (check.graph) {
    const lock = await checkLock(check.graph.document, registry, opts.frozen === true);
    if (lock.length) {
      const failed = lock.some((d) => d.severity === 'error');
      check = failed ? { ok: false, diagnostics: [...check.diagnostics, ...lock] } : { ...check, diagnostics: [...check.diagnostics, ...lock] };
    }
  }
  return { path, registry, check };
}
