/** StyleGAN2 and StyleGAN3 networks built as ONNX graphs from NVIDIA-named weights. */
export { synthesisLayers, noiseLayers, isStyleGAN3, type GeneratorArch, type Sg2GeneratorArch, type Sg3GeneratorArch, type DiscriminatorArch, type SynthesisLayerInfo } from './arch.js';
export { blockResolutions, hasLayout, isLayerLayout, layerLayout, layoutWithWs, type LayoutArch, type Sg3LayoutArch, type LayerLayout, type LayerSpace, type LayerSpaceInfo, type LayerGroup, type ConvLayer, type NoiseLayer, type ToRgbLayer, type PxRange } from './layout.js';
export { parseLayerSpec, formatLayerSpec, layerChoices, pxRangeText, LayerSpecError, type LayerChoices, type LayerSpecOptions, type LayerSpecErrorCode } from './layer-spec.js';
export { buildMapping, mappingLayers, wAvg } from './mapping.js';
export { buildSynthesis, synthesisTapNames, noiseInputName, type SynthesisOptions } from './synthesis.js';
export { buildDiscriminator, discriminatorTapNames, type DiscriminatorOptions } from './discriminator.js';
export { Weights, type StateDict } from './weights.js';
export { truncate } from './truncation.js';
export { StyleGAN2, isIdentityTransform, type StyleGANModel, type SynthesisRun, type NoiseMode } from './generator.js';
export { sg3Schedule, SG3_DEFAULTS, type Sg3Architecture, type Sg3Params, type Sg3LayerSpec, type Sg3InputSpec, type Sg3Schedule } from '../stylegan3/schedule.js';
export { designLowpass } from '../stylegan3/filters.js';
export { sg3TapNames, SG3_INPUT_TAP } from '../stylegan3/synthesis.js';
