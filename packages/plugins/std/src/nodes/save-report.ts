/** `std/SaveReport`: writes a report as JSON into the run's output folder. */
import { defineNode, outputPath, z } from '@stylegraph/core';

export const SaveReport = defineNode({
  type: 'std/SaveReport',
  version: 1,
  title: 'Save report',
  category: 'Report',
  description: 'Writes the report as pretty JSON to `path` inside the output folder.',
  inputs: { report: { type: 'Report' } },
  outputs: { path: { type: 'string' } },
  params: z.object({
    path: outputPath('json')
      .default('report.json')
      .describe('File name inside the output folder.'),
  }),
  purity: 'effect',
  run: async ({ inputs, params, ctx }) => {
    const text = `${JSON.stringify(inputs.report, null, 2)}\n`;
    const written = await ctx.files.write(params.path, new TextEncoder().encode(text));
    ctx.log.info(`wrote ${written}`);
    return { path: written };
  },
});
