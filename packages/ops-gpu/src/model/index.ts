/** The model file format: safetensors weights with NVIDIA names + config.json. Browser-safe. */
export { ModelFileError, type ModelFileErrorCode } from './errors.js';
export { readSafetensors, writeSafetensors, type SafetensorsFile } from './safetensors.js';
export { ModelConfigSchema, GeneratorConfigSchema, DiscriminatorConfigSchema, type ModelConfig, type GeneratorConfig, type DiscriminatorConfig } from './config.js';
export { expectedGeneratorTensors, expectedDiscriminatorTensors, type ShapeMap } from './state-dict.js';
export { loadModel, parseModelConfig, checkTensors, MODEL_FILES, type ModelFileSource, type LoadedModel } from './load.js';
export { randomWeights, standardConfig } from './random.js';
