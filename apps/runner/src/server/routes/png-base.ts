/**
 * Where the relative paths of a graph restored from a PNG probably resolve: the folder of a
 * workspace graph file with the same title (the graph the picture was made from), else the
 * workspace root. The PNG records the graph, not the file it was saved as.
 */
import { parseJson } from '@stylegraph/core';
import type { Workspace } from '../workspace.js';

const MAX_SCANNED = 300;

export async function guessBase(workspace: Workspace, graph: unknown): Promise<string> {
  const title = (graph as { title?: unknown } | null)?.title;
  if (typeof title !== 'string') return '.';
  const files = (await workspace.list((n) => n.endsWith('.graph.json'))).slice(0, MAX_SCANNED);
  for (const f of files) {
    const doc = parseJson(new TextDecoder().decode(await workspace.readFile(f))).value as { title?: unknown } | undefined;
    if (doc?.title === title) return f.includes('/') ? f.slice(0, f.lastIndexOf('/')) : '.';
  }
  return '.';
}
