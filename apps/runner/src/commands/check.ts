/** `stylegraph check <graph>`: print every diagnostic; exit 2 when there is an error. */
import { formatDiagnostic } from '@stylegraph/core';
import { loadAndCheck } from './load.js';

export interface CheckOptions {
  readonly json?: boolean;
  readonly set?: readonly string[];
  readonly plugin?: readonly string[];
  readonly trust?: readonly string[];
}

export async function checkCommand(path: string, opts: CheckOptions, io: { out: (s: string) => void; err: (s: string) => void }): Promise<number> {
  const { check } = await loadAndCheck(path, { sets: opts.set ?? [], plugins: opts.plugin ?? [], trust: opts.trust ?? [], warn: (m) => io.err(`stylegraph: warning: ${m}`) });
  const errors = check.diagnostics.filter((d) => d.severity === 'error').length;
  const warnings = check.diagnostics.filter((d) => d.severity === 'warning').length;
  if (opts.json) {
    io.out(JSON.stringify({ graph: path, ok: check.ok, errors, warnings, diagnostics: check.diagnostics }, null, 2));
  } else {
    for (const d of check.diagnostics) (d.severity === 'error' ? io.err : io.out)(`${path}: ${formatDiagnostic(d)}`);
    const line = `${path}: ${check.ok ? 'ok' : 'invalid'} (${errors} error${errors === 1 ? '' : 's'}, ${warnings} warning${warnings === 1 ? '' : 's'})`;
    (check.ok ? io.out : io.err)(line);
  }
  return check.ok ? 0 : 2;
}
