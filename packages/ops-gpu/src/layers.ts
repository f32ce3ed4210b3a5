/**
 * @stylegraph/ops-gpu/layers — generators' layer layouts and layer selections ("0-3,7",
 * coarse / middle / fine) as plain data and functions: no networks, no onnxruntime, so editors
 * can read and edit layer params with exactly the node code's rules.
 */
export { blockResolutions, hasLayout, isLayerLayout, layerLayout, layoutWithWs, type LayoutArch, type Sg3LayoutArch, type LayerLayout, type LayerSpace, type LayerSpaceInfo, type LayerGroup, type ConvLayer, type NoiseLayer, type ToRgbLayer, type PxRange } from './stylegan/layout.js';
export { parseLayerSpec, formatLayerSpec, layerChoices, pxRangeText, LayerSpecError, type LayerChoices, type LayerSpecOptions, type LayerSpecErrorCode } from './stylegan/layer-spec.js';
