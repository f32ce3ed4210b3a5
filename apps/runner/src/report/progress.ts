/** Per-node progress lines for an interactive terminal. */
import { summarizeValue, type RunEvent } from '@stylegraph/core';

/** An intermediate value in one line: scalars as they are, tensors as dtype and shape, reports as key=value. */
export function briefValue(v: unknown): string {
  const s = summarizeValue(v);
  if (s && typeof s === 'object' && 'tensor' in s) {
    const t = (s as { tensor: { dtype: string; dims: number[] } }).tensor;
    return `${t.dtype} [${t.dims.join(', ')}]`;
  }
  if (s && typeof s === 'object' && !Array.isArray(s)) return Object.entries(s).map(([k, x]) => `${k}=${typeof x === 'object' ? JSON.stringify(x) : String(x)}`).join(' ');
  return typeof s === 'number' ? (Number.isInteger(s) ? String(s) : s.toPrecision(6)) : typeof s === 'string' ? s : JSON.stringify(s);
}

export function progressPrinter(write: (line: string) => void, types: ReadonlyMap<string, string>) {
  const label = (id: string) => `${id} (${types.get(id) ?? '?'})`;
  return (e: RunEvent): void => {
    switch (e.type) {
      case 'node-start':
        write(`… ${label(e.node)}`);
        break;
      case 'node-progress':
        write(`  ${label(e.node)} ${Math.round(e.fraction * 100)}%${e.message ? ` ${e.message}` : ''}`);
        break;
      case 'node-done':
        write(`${e.cached ? '○' : '✓'} ${label(e.node)} ${e.cached ? 'cached' : `${e.ms.toFixed(0)} ms`}`);
        break;
      case 'node-failed':
        write(`✗ ${label(e.node)} ${e.error.code}: ${e.error.message}`);
        break;
      case 'node-skipped':
        write(`- ${label(e.node)} skipped: ${e.reason}`);
        break;
      case 'node-value':
        write(`  ${label(e.node)} ${e.name}${e.step !== undefined ? ` @${e.step}` : ''} = ${briefValue(e.value)}`);
        break;
      case 'log':
        if (e.level !== 'debug') write(`  ${label(e.node)} ${e.message}`);
        break;
    }
  };
}
