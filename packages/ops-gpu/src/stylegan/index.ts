/** StyleGAN2 networks built as ONNX graphs from NVIDIA-named weights. */
export { synthesisLayers, noiseLayers, type GeneratorArch, type DiscriminatorArch, type SynthesisLayerInfo } from './arch.js';
export { blockResolutions, hasLayout, isLayerLayout, layerLayout, layoutWithWs, type LayerLayout, type LayerSpace, type LayerSpaceInfo, type LayerGroup, type ConvLayer, type NoiseLayer, type ToRgbLayer, type PxRange } from './layout.js';
export { parseLayerSpec, formatLayerSpec, layerChoices, pxRangeText, LayerSpecError, type LayerChoices, type LayerSpecOptions, type LayerSpecErrorCode } from './layer-spec.js';
export { buildMapping, mappingLayers, wAvg } from './mapping.js';
export { buildSynthesis, synthesisTapNames, noiseInputName, type SynthesisOptions } from './synthesis.js';
export { buildDiscriminator, discriminatorTapNames, type DiscriminatorOptions } from './discriminator.js';
export { Weights, type StateDict } from './weights.js';
export { truncate } from './truncation.js';
export { StyleGAN2, type StyleGANModel, type SynthesisRun, type NoiseMode } from './generator.js';
