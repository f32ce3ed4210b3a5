/**
 * @stylegraph/plugin-std — numbers, math, NumPy-exact random tensors, statistics, reports and
 * assertions: enough to build and check graphs end to end, and the smallest example of a
 * stylegraph plugin.
 */
import { PLUGIN_API_VERSION, definePlugin } from '@stylegraph/core';
import { Assert } from './nodes/assert.js';
import { Constant } from './nodes/constant.js';
import { MathNode } from './nodes/math.js';
import { RandomNormal } from './nodes/random-normal.js';
import { ReportNode } from './nodes/report.js';
import { SaveReport } from './nodes/save-report.js';
import { Statistic } from './nodes/statistic.js';

export { Assert, Constant, MathNode, RandomNormal, ReportNode, SaveReport, Statistic };

export const stdPlugin = definePlugin({
  name: '@stylegraph/plugin-std',
  version: '0.1.0',
  apiVersion: PLUGIN_API_VERSION,
  description: 'Numbers, math, NumPy-exact random tensors, statistics, reports and assertions.',
  nodes: [Constant, MathNode, RandomNormal, Statistic, ReportNode, Assert, SaveReport],
});

export default stdPlugin;
