/**
 * Bounds on JSON values that arrive from outside (graph files, requests, `--set` values):
 * everything downstream — schema checks, hashing, cloning, serializing — recurses over the
 * value, so its nesting depth is checked first, without recursion.
 */

/** Deepest nesting a graph document may have (a real one needs fewer than 10 levels). */
export const MAX_JSON_DEPTH = 64;

/**
 * The path of the first place where `value` nests deeper than `max` levels (`nodes.a.params.x[0]…`),
 * or undefined when it does not. Objects and arrays count one level each.
 */
export function tooDeepAt(value: unknown, max = MAX_JSON_DEPTH): string | undefined {
  const stack: Array<{ v: unknown; depth: number; path: string }> = [{ v: value, depth: 0, path: '' }];
  while (stack.length) {
    const { v, depth, path } = stack.pop()!;
    if (!v || typeof v !== 'object') continue;
    if (depth >= max) return path || 'document';
    if (Array.isArray(v)) v.forEach((x, i) => stack.push({ v: x, depth: depth + 1, path: `${path}[${i}]` }));
    else for (const [k, x] of Object.entries(v)) stack.push({ v: x, depth: depth + 1, path: path ? `${path}.${k}` : k });
  }
  return undefined;
}
