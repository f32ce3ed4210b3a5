/**
 * The content of what a job reads besides its items — models, direction files — as hashes for
 * its id: the same graph over a changed model is another job, never "already done".
 */
import type { GraphDocument, Registry } from '@stylegraph/core';

export async function inputHashes(doc: GraphDocument, registry: Registry, axis: { node: string; param: string }, hash: (path: string) => Promise<string>): Promise<Record<string, string>> {
  const out: Record<string, string> = {};
  for (const [id, n] of Object.entries(doc.nodes)) {
    for (const param of registry.node(n.type)?.def.fileParams ?? []) {
      if (id === axis.node && param === axis.param) continue;
      const v = n.params?.[param];
      for (const path of typeof v === 'string' ? [v] : Array.isArray(v) ? v.filter((p): p is string => typeof p === 'string') : []) {
        // A file that cannot be read fails the shards that read it, with its name; here it hashes as missing.
        out[`${id}.${param}:${path}`] = await hash(path).catch(() => 'missing');
      }
    }
  }
  return out;
}
