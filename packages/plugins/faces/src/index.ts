/** @stylegraph/plugin-faces — a deterministic synthetic-faces renderer with attribute labels (Node and browsers). */
import { PLUGIN_API_VERSION, definePlugin } from '@stylegraph/core';
import { RenderFaces } from './node.js';

export { RenderFaces };
export { sampleAttributes, labelVector, LABELS, type FaceAttributes } from './attributes.js';
export { renderFace } from './render.js';

export const facesPlugin = definePlugin({
  name: '@stylegraph/plugin-faces',
  version: '0.1.0',
  apiVersion: PLUGIN_API_VERSION,
  description: 'Synthetic faces with independent, labelled factors.',
  nodes: [RenderFaces],
});

export default facesPlugin;
