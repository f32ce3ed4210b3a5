/** Shared by `check` and `run`: read a graph file, apply overrides, load plugins, validate. */
import { dirname, resolve } from 'node:path';
import { checkGraph, parseJson, type CheckResult, type Registry } from '@stylegraph/core';
import { UsageError, applySets, readGraphFile } from '../graph-file.js';
import { loadRegistry } from '../host/plugins.js';

export interface LoadedGraph {
  readonly path: string;
  readonly registry: Registry;
  readonly check: CheckResult;
}

export async function loadAndCheck(path: string, opts: { sets?: readonly string[]; plugins?: readonly string[] }): Promise<LoadedGraph> {
  const text = await readGraphFile(path);
  const plugins = (parseJson(text).value as { plugins?: unknown } | undefined)?.plugins;
  const required = plugins && typeof plugins === 'object' ? Object.keys(plugins) : [];
  const registry = await loadRegistry({ required, extra: opts.plugins ?? [], fromDir: dirname(resolve(path)), extraFromDir: process.cwd() });
  const { doc, errors, diagnostics } = applySets(text, opts.sets ?? [], registry);
  if (errors.length) throw new UsageError(errors.join('\n'));
  const check = doc === undefined ? { ok: false, diagnostics } : checkGraph(doc, registry);
  return { path, registry, check };
}
