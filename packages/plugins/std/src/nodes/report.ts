/** `std/Report`: adds a named number to a report (reports chain, so one can hold many values). */
import { defineNode, z } from '@stylegraph/core';

export const ReportNode = defineNode({
  type: 'std/Report',
  version: 1,
  title: 'Report',
  category: 'Report',
  description: 'Adds `key: value` to the incoming report (or starts a new one).',
  inputs: {
    value: { type: 'number' },
    into: { type: 'Report', optional: true, description: 'Report to extend.' },
  },
  outputs: { report: { type: 'Report' } },
  params: z.object({
    key: z.string().regex(/^[A-Za-z_][A-Za-z0-9_.-]*$/).default('value').describe('Name of the value in the report.'),
  }),
  purity: 'pure',
  run: ({ inputs, params }) => ({ report: { ...(inputs.into ?? {}), [params.key]: inputs.value } }),
});
