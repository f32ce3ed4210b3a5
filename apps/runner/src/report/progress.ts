/** Per-node progress lines for an interactive terminal. */
import type { RunEvent } from '@stylegraph/core';

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
      case 'log':
        if (e.level !== 'debug') write(`  ${label(e.node)} ${e.message}`);
        break;
    }
  };
}
