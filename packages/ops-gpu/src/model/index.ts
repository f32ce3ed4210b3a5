/**
 * stylegraph's model file format (browser-safe): a folder with `config.json` (zod-validated
 * hyperparameters), `generator.safetensors` and optionally `discriminator.safetensors` (NVIDIA
 * stylegan2-ada-pytorch state-dict names). Node-only folder access is in `./node-files.ts`.
 */
export { ModelFileError, type ModelFileErrorCode } from './errors.js';
export { readSafetensors, writeSafetensors, MAX_SAFETENSORS_HEADER, type SafetensorsFile } from './safetensors.js';
export {
  ModelConfigSchema,
  GeneratorConfigSchema,
  DiscriminatorConfigSchema,
  MAX_MODEL_DIM,
  MAX_MODEL_RESOLUTION,
  type ModelConfig,
  type GeneratorConfig,
  type Sg2GeneratorConfig,
  type Sg3GeneratorConfig,
  type DiscriminatorConfig,
} from './config.js';
export { expectedGeneratorTensors, expectedDiscriminatorTensors, type ShapeMap } from './state-dict.js';
export { loadModel, parseModelConfig, checkTensors, MODEL_FILES, type ModelFileSource, type LoadedModel } from './load.js';
export { randomWeights, standardConfig } from './random.js';
export { standardSg3Config } from './random-sg3.js';
