import { describe, expect, it } from 'vitest';
import { tensor, type RunSummary } from '@stylegraph/core';
import { junitXml } from './junit.js';
import { progressPrinter } from './progress.js';

describe('CLI reports', () => {
  it('prints one progress line per node event on a terminal', () => {
    const lines: string[] = [];
    const p = progressPrinter((l) => lines.push(l), new Map([['a', 'std/Constant']]));
    p({ type: 'node-start', node: 'a' });
    p({ type: 'node-progress', node: 'a', fraction: 0.5, message: 'half' });
    p({ type: 'node-done', node: 'a', ms: 12.4, cached: false });
    p({ type: 'node-failed', node: 'a', error: { code: 'BOOM', message: 'broke' } });
    expect(lines).toEqual(['… a (std/Constant)', '  a (std/Constant) 50% half', '✓ a (std/Constant) 12 ms', '✗ a (std/Constant) BOOM: broke']);
  });

  it('prints a node’s intermediate values in one line each: scalars, tensors, reports', () => {
    const lines: string[] = [];
    const p = progressPrinter((l) => lines.push(l), new Map([['o', 'opt/Project']]));
    p({ type: 'node-value', node: 'o', name: 'loss', value: 0.123456789, step: 10 });
    p({ type: 'node-value', node: 'o', name: 'steps', value: 200 });
    p({ type: 'node-value', node: 'o', name: 'preview', value: tensor('float32', [1, 3, 64, 64]), step: 10 });
    p({ type: 'node-value', node: 'o', name: 'report', value: { psnr: 31.5, ok: true, tag: 'x' } });
    p({ type: 'node-value', node: 'o', name: 'phase', value: 'refine' });
    expect(lines).toEqual([
      '  o (opt/Project) loss @10 = 0.123457',
      '  o (opt/Project) steps = 200',
      '  o (opt/Project) preview @10 = float32 [1, 3, 64, 64]',
      '  o (opt/Project) report = psnr=31.5 ok=true tag=x',
      '  o (opt/Project) phase = refine',
    ]);
  });

  it('writes JUnit XML with failures, skips and escaped text', () => {
    const summary: RunSummary = {
      status: 'failed',
      diagnostics: [],
      outputs: {},
      ms: 1500,
      counts: { ran: 1, cached: 0, failed: 1, skipped: 1, cancelled: 0 },
      nodes: {
        ok: { status: 'done', ms: 10 },
        bad: { status: 'failed', ms: 5, error: { code: 'ASSERTION_FAILED', message: 'x < 1 & "y" \u0001' } },
        after: { status: 'skipped', ms: 0, reason: 'input from bad' },
      },
    };
    const xml = junitXml('g<1>', summary, new Map([['bad', 'std/Assert']]));
    expect(xml).toContain('<testsuite name="g&lt;1&gt;" tests="3" failures="1" skipped="1" time="1.500">');
    expect(xml).toContain('<failure message="x &lt; 1 &amp; &quot;y&quot; " type="ASSERTION_FAILED">');
    expect(xml).toContain('<skipped message="input from bad"/>');
  });
});
