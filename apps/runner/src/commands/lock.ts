/**
 * `stylegraph lock <graph>`: records in the graph file the exact version and integrity hash of
 * every plugin it requires (its "lock"), so `check` can warn and `run --frozen` refuse when what
 * is installed changes. The file is rewritten atomically; nothing else in it changes meaning.
 */
import { readFile } from 'node:fs/promises';
import { basename, dirname, resolve } from 'node:path';
import { GraphDocumentSchema, parseJson, serializeGraph, type GraphDocument } from '@stylegraph/core';
import { UsageError } from '../graph-file.js';
import { loadRegistry } from '../host/plugins.js';
import { currentLocks } from '../host/plugin-lock.js';
import { writeInside } from '../host/safe-write.js';

export async function lockCommand(path: string, opts: { plugin?: readonly string[]; trust?: readonly string[] }, io: { out: (s: string) => void; err: (s: string) => void }): Promise<number> {
  if (/\.png$/i.test(path)) throw new UsageError(`${path}: lock a graph file; a PNG's embedded graph cannot be rewritten`);
  const text = await readFile(path, 'utf8').catch((e: NodeJS.ErrnoException) => {
    throw new UsageError(`cannot read graph ${path}: ${e.code === 'ENOENT' ? 'no such file' : e.message}`);
  });
  const parsed = GraphDocumentSchema.safeParse(parseJson(text).value);
  if (!parsed.success) throw new UsageError(`${path}: not a valid graph document (run stylegraph check ${path})`);
  const doc: GraphDocument = parsed.data;
  const required = Object.keys(doc.plugins ?? {});
  const registry = await loadRegistry({ required, extra: opts.plugin ?? [], fromDir: dirname(resolve(path)), extraFromDir: process.cwd(), trust: new Set(opts.trust ?? []) });
  const lock = await currentLocks(doc, registry);
  const missing = required.filter((n) => !lock[n]);
  if (missing.length) throw new UsageError(`${path}: cannot lock plugins that are not installed: ${missing.join(', ')}`);
  const { lock: _old, ...rest } = doc;
  const next: GraphDocument = required.length ? { ...rest, lock } : rest;
  await writeInside(dirname(resolve(path)), basename(path), serializeGraph(next), { overwrite: true });
  for (const [name, l] of Object.entries(lock)) io.out(`${path}: locked ${name} ${l.version} ${l.integrity}`);
  if (!required.length) io.out(`${path}: requires no plugins; nothing to lock`);
  return 0;
}
