/**
 * `std/Assert`: fails the run (exit code 1) with a message when a condition on a number, or
 * on a value in a report, does not hold. CI graphs end in these.
 */
import { AssertionFailed, NodeError, defineNode, z } from '@stylegraph/core';

const COMPARE = {
  '<': (a: number, b: number) => a < b,
  '<=': (a: number, b: number) => a <= b,
  '>': (a: number, b: number) => a > b,
  '>=': (a: number, b: number) => a >= b,
  '==': (a: number, b: number, tol: number) => Math.abs(a - b) <= tol,
  '!=': (a: number, b: number, tol: number) => Math.abs(a - b) > tol,
} as const;

export const Assert = defineNode({
  type: 'std/Assert',
  version: 1,
  title: 'Assert',
  category: 'Report',
  description: 'Checks `value op than` (value from the number input, or report[key]); fails the run when false.',
  inputs: {
    value: { type: 'number', optional: true },
    report: { type: 'Report', optional: true, description: 'Take the value from this report, at `key`.' },
  },
  outputs: { passed: { type: 'boolean' } },
  params: z.object({
    op: z.enum(['<', '<=', '>', '>=', '==', '!=']).default('==').describe('Comparison.'),
    than: z.number().default(0).describe('Right-hand side.'),
    tolerance: z.number().min(0).default(0).describe('Absolute tolerance for == and !=.'),
    key: z.string().optional().describe('Report key, when the value comes from a report.'),
    message: z.string().max(500).optional().describe('Shown when the assertion fails.'),
  }),
  purity: 'pure',
  run: ({ inputs, params }) => {
    let value = inputs.value;
    let what = 'value';
    if (value === undefined) {
      if (!inputs.report || params.key === undefined) {
        throw new NodeError('INPUT_MISSING', 'connect "value", or "report" and set param "key"');
      }
      const v = inputs.report[params.key];
      if (typeof v !== 'number') throw new NodeError('REPORT_KEY', `the report has no number at "${params.key}"`);
      value = v;
      what = params.key;
    }
    const tol = params.op === '==' || params.op === '!=' ? ` ± ${params.tolerance}` : '';
    if (!COMPARE[params.op](value, params.than, params.tolerance)) {
      const cond = `${what} ${params.op} ${params.than}${tol}`;
      throw new AssertionFailed(`${params.message ? `${params.message}: ` : ''}expected ${cond}, but ${what} = ${value}`);
    }
    return { passed: true };
  },
});
