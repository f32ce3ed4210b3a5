/**
 * JUnit XML for CI systems: one test suite per graph, one test case per node that was
 * needed; failed nodes are failures (assertions keep their message), skipped nodes are
 * skipped, and graph diagnostics become a failing `check` case.
 */
import type { RunSummary } from '@stylegraph/core';
import { formatDiagnostic } from '@stylegraph/core';

const esc = (s: string) =>
  s.replace(/[<>&"']/g, (c) => ({ '<': '&lt;', '>': '&gt;', '&': '&amp;', '"': '&quot;', "'": '&apos;' })[c]!)
    // XML 1.0 forbids most control characters.
    // eslint-disable-next-line no-control-regex
    .replace(/[\u0000-\u0008\u000b\u000c\u000e-\u001f]/g, '');

export function junitXml(graphName: string, summary: RunSummary, nodeTypes: ReadonlyMap<string, string>): string {
  const cases: string[] = [];
  const errors = summary.diagnostics.filter((d) => d.severity === 'error');
  if (summary.status === 'invalid') {
    const text = errors.map(formatDiagnostic).join('\n');
    cases.push(`    <testcase name="check" classname="${esc(graphName)}">\n      <failure message="invalid graph" type="INVALID_GRAPH">${esc(text)}</failure>\n    </testcase>`);
  }
  for (const [id, r] of Object.entries(summary.nodes)) {
    const cls = `${esc(graphName)}.${esc(nodeTypes.get(id) ?? 'node')}`;
    const head = `    <testcase name="${esc(id)}" classname="${cls}" time="${(r.ms / 1000).toFixed(3)}">`;
    if (r.status === 'failed') {
      cases.push(`${head}\n      <failure message="${esc(r.error!.message)}" type="${esc(r.error!.code)}">${esc(r.error!.message)}</failure>\n    </testcase>`);
    } else if (r.status === 'skipped' || r.status === 'cancelled') {
      cases.push(`${head}\n      <skipped message="${esc(r.reason ?? r.status)}"/>\n    </testcase>`);
    } else cases.push(`${head}</testcase>`);
  }
  const failures = cases.filter((c) => c.includes('<failure')).length;
  const skipped = cases.filter((c) => c.includes('<skipped')).length;
  return [
    '<?xml version="1.0" encoding="UTF-8"?>',
    `<testsuites name="stylegraph" tests="${cases.length}" failures="${failures}" time="${(summary.ms / 1000).toFixed(3)}">`,
    `  <testsuite name="${esc(graphName)}" tests="${cases.length}" failures="${failures}" skipped="${skipped}" time="${(summary.ms / 1000).toFixed(3)}">`,
    ...cases,
    '  </testsuite>',
    '</testsuites>',
    '',
  ].join('\n');
}
