// Markdown output of the robustness benchmark: tables and number formats.

/** A Markdown table; `align` per column: 'l' (default for the first) or 'r' (default for the rest). */
export function table(headers, rows, align = headers.map((_, i) => (i === 0 ? 'l' : 'r'))) {
  const cells = [headers, ...rows].map((r) => r.map((c) => String(c)));
  const widths = headers.map((_, i) => Math.max(3, ...cells.map((r) => r[i].length)));
  const line = (r) => `| ${r.map((c, i) => (align[i] === 'r' ? c.padStart(widths[i]) : c.padEnd(widths[i]))).join(' | ')} |`;
  const rule = `|${widths.map((w, i) => (align[i] === 'r' ? `${'-'.repeat(w + 1)}:` : `:${'-'.repeat(w + 1)}`)).join('|')}|`;
  return [line(cells[0]), rule, ...cells.slice(1).map(line)].join('\n');
}

/** A fraction as a percentage with one decimal ('–' for NaN). */
export const pct = (x) => (Number.isFinite(x) ? (100 * x).toFixed(1) : '–');

/** A number with fixed decimals ('–' for NaN). */
export const fixed = (x, d = 1) => (Number.isFinite(x) ? x.toFixed(d) : '–');

/** A small rate in scientific notation ('0' for zero). */
export const sci = (x) => (x === 0 ? '0' : Number.isFinite(x) ? x.toExponential(2) : '–');

/** 'yes' / 'no' for a goal, '–' where there is none. */
export const meets = (ok) => (ok === undefined ? '–' : ok ? 'yes' : '**no**');
