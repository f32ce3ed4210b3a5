import { afterAll, describe, expect, it } from 'vitest';
import { nodeBackend } from '../backend/node.js';
import { OP_NAMES } from '../onnx/ops/table.js';
import { GRAD_RULES } from './rules.js';
import { ELEMENTWISE_CASES } from './testing/cases-elementwise.js';
import { INDEXING_CASES, LAYOUT_CASES, LINEAR_CASES } from './testing/cases-structural.js';
import { runCase } from './testing/harness.js';

const CASES = [...ELEMENTWISE_CASES, ...LINEAR_CASES, ...LAYOUT_CASES, ...INDEXING_CASES];
const report: string[] = [];

describe('gradient rules match central finite differences (float32, cpu)', () => {
  for (const k of CASES) {
    it(`${k.op}: ${k.label}`, async () => {
      const results = await runCase(k, nodeBackend('cpu'));
      for (const r of results) {
        report.push(`${k.op.padEnd(18)} ${k.label.padEnd(52)} ${r.input.padEnd(5)} rel ${r.relError.toExponential(2)} (abs ${r.maxAbsError.toExponential(2)}, scale ${r.scale.toFixed(3)}, n ${r.checked})`);
        expect(r.relError, `${r.input}: max |analytic − numeric| ${r.maxAbsError} at scale ${r.scale}`).toBeLessThan(k.tol ?? 1e-2);
      }
    });
  }
});

it('every differentiable primitive has a gradient-check case', () => {
  const covered = new Set(CASES.map((k) => k.op));
  const missing = OP_NAMES.filter((op) => !('nondiff' in GRAD_RULES[op]) && !covered.has(op));
  expect(missing).toEqual([]);
});

it('only boolean-valued primitives are non-differentiable', () => {
  const marked = OP_NAMES.filter((op) => 'nondiff' in GRAD_RULES[op]);
  expect(marked.sort()).toEqual(['And', 'Equal', 'Greater', 'GreaterOrEqual', 'Less', 'LessOrEqual', 'Not']);
});

afterAll(() => {
  if (process.env['STYLEGRAPH_GRADCHECK_REPORT']) console.log(report.join('\n'));
});
